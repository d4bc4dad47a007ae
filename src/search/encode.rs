//! Byte-level encodings of the search files: a varint alphabet for number lists, a tiny JSON
//! writer (deterministic, no intermediate values), FNV-1a content hashes, and the script wrapper
//! that makes every file loadable with a `<script>` tag from `file://` as well as HTTP.

/// 64 characters that need no escaping in a JSON string. Each carries 5 payload bits plus a
/// continuation bit (32): numbers are written big-endian, 5 bits per character.
pub(crate) const ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends `value` as a varint in [`ALPHABET`].
pub(crate) fn push_varint(out: &mut String, value: u32) {
    let mut groups = [0u8; 7];
    let mut n = 0;
    let mut v = value;
    loop {
        groups[n] = (v & 31) as u8;
        n += 1;
        v >>= 5;
        if v == 0 {
            break;
        }
    }
    for i in (0..n).rev() {
        let more = if i > 0 { 32 } else { 0 };
        out.push(ALPHABET[(groups[i] | more) as usize] as char);
    }
}

/// Decodes a varint string (the client's `ints`; used by tests).
#[cfg(test)]
pub(crate) fn decode_varints(s: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let mut v = 0u32;
    for b in s.bytes() {
        let c = ALPHABET
            .iter()
            .position(|&a| a == b)
            .expect("varint alphabet") as u32;
        v = (v << 5) | (c & 31);
        if c & 32 == 0 {
            out.push(v);
            v = 0;
        }
    }
    out
}

/// 64-bit FNV-1a.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= b as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The 8-hex-digit name suffix for some content (FNV-1a folded to 32 bits).
pub(crate) fn short_hash(bytes: &[u8]) -> String {
    let h = fnv1a(bytes);
    format!("{:08x}", (h ^ (h >> 32)) as u32)
}

/// Appends `s` as a JSON string literal that is also safe inside a JS source file.
pub(crate) fn push_str(out: &mut String, s: &str) {
    out.push('"');
    // Runs of characters that need no escape are copied whole; only `"`, `\\`, controls and
    // the two line terminators JavaScript source does not allow in strings are escaped.
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let escape: std::borrow::Cow<str> = match b {
            b'"' => "\\\"".into(),
            b'\\' => "\\\\".into(),
            b'\n' => "\\n".into(),
            b'\r' => "\\r".into(),
            b'\t' => "\\t".into(),
            0..=0x1f => format!("\\u{b:04x}").into(),
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
            0xe2 if bytes[i + 1] == 0x80 && matches!(bytes[i + 2], 0xa8 | 0xa9) => {
                let escape = if bytes[i + 2] == 0xa8 {
                    "\\u2028"
                } else {
                    "\\u2029"
                };
                out.push_str(&s[start..i]);
                out.push_str(escape);
                i += 3;
                start = i;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(&escape);
        i += 1;
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Appends a JSON array of strings.
pub(crate) fn push_str_array<'a>(out: &mut String, items: impl IntoIterator<Item = &'a str>) {
    out.push('[');
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_str(out, s);
    }
    out.push(']');
}

/// Appends a JSON array of numbers.
pub(crate) fn push_num_array(out: &mut String, items: impl IntoIterator<Item = i64>) {
    out.push('[');
    for (i, n) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&n.to_string());
    }
    out.push(']');
}

/// Wraps a JSON payload as a classic script: `__fb_search_load("name",payload)`.
pub(crate) fn script(name: &str, payload: &str) -> Vec<u8> {
    let mut out = String::with_capacity(payload.len() + name.len() + 32);
    out.push_str("__fb_search_load(\"");
    out.push_str(name);
    out.push_str("\",");
    out.push_str(payload);
    out.push_str(")\n");
    out.into_bytes()
}

/// Compares strings in UTF-16 code-unit order, the order of JavaScript's `<`.
pub(crate) fn cmp_js(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let values = [0, 1, 31, 32, 33, 1023, 1024, 65535, 1 << 20, u32::MAX];
        let mut s = String::new();
        for &v in &values {
            push_varint(&mut s, v);
        }
        assert_eq!(decode_varints(&s), values);
    }

    #[test]
    fn small_varints_take_one_character() {
        let mut s = String::new();
        push_varint(&mut s, 0);
        push_varint(&mut s, 31);
        assert_eq!(s, "Af");
        s.clear();
        push_varint(&mut s, 32);
        assert_eq!(s, "hA");
    }

    #[test]
    fn fnv_matches_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(short_hash(b"a").len(), 8);
    }

    #[test]
    fn strings_are_escaped_for_js() {
        let mut s = String::new();
        push_str(&mut s, "a\"b\\c\n\u{2028}\u{1}");
        assert_eq!(s, r#""a\"b\\c\n\u2028\u0001""#);
        s.clear();
        push_str(
            &mut s,
            "caf\u{e9} \u{2014} \u{2029}\t\u{2027}\r\u{1f}\u{2028}",
        );
        assert_eq!(
            s,
            "\"caf\u{e9} \u{2014} \\u2029\\t\u{2027}\\r\\u001f\\u2028\""
        );
    }

    #[test]
    fn js_order_is_utf16_order() {
        use std::cmp::Ordering::*;
        assert_eq!(cmp_js("a", "b"), Less);
        // U+FF5E sorts after U+1F600 in UTF-8 byte order's opposite: UTF-16 puts surrogates first.
        assert_eq!(cmp_js("\u{1F600}", "\u{FF5E}"), Less);
        assert_eq!("\u{1F600}".cmp("\u{FF5E}"), Greater);
    }

    #[test]
    fn script_wrapper() {
        assert_eq!(script("t-1", "{}"), b"__fb_search_load(\"t-1\",{})\n");
    }
}
