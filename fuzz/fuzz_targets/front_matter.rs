//! Front matter: split, YAML parse and every page rule of the validator, then the
//! reference checks between pages, on one arbitrary file. Diagnostics are rendered too,
//! since spans into odd text are where a slicing panic would hide.
#![no_main]

use fieldbook::config::Config;
use fieldbook::model::{page, tree};
use fieldbook::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fn config() -> Config {
    let toml =
        "[site]\ntitle = \"T\"\n[[stages]]\nid = \"discover\"\nname = \"Discover\"\norder = 1\n";
    Config::parse(&SourceFile::new("site.toml", toml.to_string()))
        .expect("the fuzz site.toml is valid")
        .0
}

fuzz_target!(|data: &[u8]| {
    let config = config();
    let text = String::from_utf8_lossy(data).into_owned();
    // The first byte picks the kind of file, so sections and plain pages both get explored.
    let rel = match data.first().map_or(0, |b| b % 3) {
        0 => "playbooks/cold-call.md",
        1 => "playbooks/_index.md",
        _ => "README.md",
    };
    let source = SourceFile::new(format!("content/{rel}"), text);
    let (page, mut diagnostics) = page::from_source(source, rel.to_string(), &config);
    let pages = tree::index(vec![page], &config, false, &mut diagnostics);
    for diagnostic in &diagnostics {
        let _ = diagnostic.render(false);
    }
    drop(pages);
});
