//! `glocal import local-governments` as an operator runs it: the real binary against a
//! migrated SQLite database — a dry run prints the changes and writes nothing, the import is
//! idempotent, and bad files are refused naming the line, with nothing written.

use std::path::{Path, PathBuf};
use std::process::Output;

use super::glocal;

const SHIPPED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/local-governments.csv");

struct Db {
    dir: PathBuf,
}

impl Db {
    fn new() -> Db {
        let dir = std::env::temp_dir().join(format!("glocal-import-{}", uuid::Uuid::new_v4()));
        let db = Db { dir };
        let out = db.run(&["migrate", "requests"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        db
    }

    fn run(&self, args: &[&str]) -> Output {
        glocal()
            .args(args)
            .env("GLOCAL_LOG__FILTER", "warn")
            .env(
                "GLOCAL_REQUESTS__DATABASE_URL",
                format!("sqlite://{}/requests.db", self.dir.display()),
            )
            .output()
            .unwrap()
    }

    /// Imports `file` and answers (exit code, stdout, stderr).
    fn import(&self, file: &Path, dry_run: bool) -> (Option<i32>, String, String) {
        let file = file.to_str().unwrap();
        let mut args = vec!["import", "local-governments", file];
        if dry_run {
            args.push("--dry-run");
        }
        let out = self.run(&args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn the_import_dry_runs_upserts_once_and_refuses_bad_files_by_line() {
    let db = Db::new();
    let shipped = Path::new(SHIPPED);

    // A dry run lists every addition and writes nothing: a second one says the same.
    for _ in 0..2 {
        let (code, out, err) = db.import(shipped, true);
        assert_eq!(code, Some(0), "{err}");
        assert!(
            out.contains("add     11680 서울특별시 강남구 (Gangnam-gu, Seoul) DISTRICT"),
            "{out}"
        );
        assert!(
            out.ends_with("dry run, nothing written: 243 added, 0 changed, 0 unchanged\n"),
            "{out}"
        );
    }
    let (code, out, err) = db.import(shipped, false);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.ends_with("imported: 243 added, 0 changed, 0 unchanged\n"),
        "{out}"
    );
    let (code, out, _) = db.import(shipped, false);
    assert_eq!(code, Some(0));
    assert_eq!(
        out, "imported: 0 added, 0 changed, 243 unchanged\n",
        "idempotent"
    );

    // A change is printed field by field.
    let text = std::fs::read_to_string(shipped).unwrap();
    let renamed = db.file(
        "renamed.csv",
        &text.replace("Gangnam-gu, Seoul", "Gangnam District, Seoul"),
    );
    let (_, out, _) = db.import(&renamed, true);
    assert!(
        out.contains("change  11680 name_en: \"Gangnam-gu, Seoul\" -> \"Gangnam District, Seoul\""),
        "{out}"
    );
    assert!(out.ends_with("1 changed, 242 unchanged\n"), "{out}");

    // Bad files: exit 64, the line named, nothing written (even the good lines before it).
    let header = "code,level,parent,name_ko,name_en\n";
    let bad = [
        (
            "missing.csv",
            "code,level,name_ko,name_en\n11000,METROPOLITAN,서울,Seoul\n".to_owned(),
            "line 1: missing column `parent`",
        ),
        (
            "code.csv",
            format!("{header}11000,METROPOLITAN,,서울,Seoul\n1168,DISTRICT,11000,강남구,Gangnam\n"),
            "line 3: code",
        ),
        (
            "parent.csv",
            format!("{header}11998,DISTRICT,11000,가,A\n11997,DISTRICT,99999,나,B\n"),
            "line 3: unknown parent local government 99999",
        ),
        (
            "duplicate.csv",
            format!("{header}11998,DISTRICT,11000,가,A\n\n11998,DISTRICT,11000,가,A\n"),
            "line 4: duplicate code 11998 (first on line 2)",
        ),
        (
            "level.csv",
            format!("{header}11998,VILLAGE,11000,가,A\n"),
            "line 2: level",
        ),
    ];
    for (name, text, says) in bad {
        let path = db.file(name, &text);
        let (code, out, err) = db.import(&path, false);
        assert_eq!(code, Some(64), "{name}: {out}{err}");
        assert!(err.contains(says), "{name}: {err}");
        assert!(err.contains("nothing written"), "{name}: {err}");
    }
    let (_, out, _) = db.import(shipped, true);
    assert!(
        out.ends_with("0 added, 0 changed, 243 unchanged\n"),
        "{out}"
    );
}
