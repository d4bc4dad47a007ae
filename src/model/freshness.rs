//! Is a page fresh, due soon, overdue or expired? Dates come from front matter only.

use crate::config::Config;
use crate::model::page::{Page, PageKind, Status};
use crate::model::Date;

/// A page's review state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    Fresh,
    DueSoon,
    Overdue,
    Expired,
    /// No `reviewed` date.
    Unreviewed,
    Deprecated,
}

impl State {
    /// CSS-friendly name.
    pub fn key(self) -> &'static str {
        match self {
            State::Fresh => "fresh",
            State::DueSoon => "due-soon",
            State::Overdue => "overdue",
            State::Expired => "expired",
            State::Unreviewed => "unreviewed",
            State::Deprecated => "deprecated",
        }
    }

    /// Human label.
    pub fn label(self) -> &'static str {
        match self {
            State::Fresh => "Fresh",
            State::DueSoon => "Review due soon",
            State::Overdue => "Overdue for review",
            State::Expired => "Expired",
            State::Unreviewed => "Not reviewed",
            State::Deprecated => "Deprecated",
        }
    }
}

/// The freshness of one page on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    pub state: State,
    /// When the next review is due.
    pub due: Option<Date>,
    /// Days until due (negative: overdue by that many).
    pub days_left: Option<i64>,
}

/// Computes a page's freshness.
pub fn of(page: &Page, config: &Config, today: Date) -> Freshness {
    let interval = page
        .review_every
        .unwrap_or_else(|| config.review_days(page.kind.name()));
    let due = page.reviewed.map(|r| r.plus(interval));
    let days_left = due.map(|d| d.0 - today.0);
    let state = if page.status == Status::Deprecated {
        State::Deprecated
    } else if page.expires.is_some_and(|e| e < today) {
        State::Expired
    } else if let Some(left) = days_left {
        if left < 0 {
            State::Overdue
        } else if left <= config.warn_days() {
            State::DueSoon
        } else {
            State::Fresh
        }
    } else {
        State::Unreviewed
    };
    Freshness {
        state,
        due,
        days_left,
    }
}

/// Whether a page is expected to carry a review date (it is owned content, not a plain page).
pub fn expects_review(page: &Page) -> bool {
    !matches!(page.kind, PageKind::Page)
}
