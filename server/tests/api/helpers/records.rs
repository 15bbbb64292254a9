//! The store's own records, read from its database and its outbox.

use sea_orm::ConnectionTrait;
use std::time::Duration;

use super::{number, TestApp};

impl TestApp {
    /// The first column of the first row of `sql` in the store's database.
    pub async fn number(&self, sql: &str) -> i64 {
        number(&self.db, sql).await
    }

    pub async fn stock(&self, slug: &str) -> i64 {
        self.number(&format!(
            "SELECT CAST(stock AS BIGINT) FROM products WHERE slug = '{slug}'"
        ))
        .await
    }

    pub async fn orders(&self) -> i64 {
        self.number("SELECT COUNT(*) FROM orders").await
    }

    /// The emails written to the local outbox folder, once `sent` of the owed
    /// emails have been delivered (the sender works in the background).
    pub async fn outbox_after(&self, sent: i64) -> usize {
        self.eventually(
            "SELECT COUNT(*) FROM emails WHERE sent_at IS NOT NULL",
            sent,
        )
        .await;
        std::fs::read_dir(self.data_dir.join("outbox"))
            .map(|dir| dir.count())
            .unwrap_or(0)
    }

    /// Waits for a condition the webhook brings about.
    pub async fn eventually(&self, sql: &str, expected: i64) {
        for _ in 0..200 {
            if self.number(sql).await == expected {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "{sql} never became {expected} (it is {})",
            self.number(sql).await
        );
    }

    /// The first column of the first row of `sql`, as text.
    pub async fn text(&self, sql: &str) -> String {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                sql,
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<String>(0).unwrap()
    }

    /// The confirmation email of order `number`, once it has been sent.
    pub async fn email_of(&self, number: &str, sent: i64) -> String {
        self.outbox_after(sent).await;
        self.outbox_file(number)
    }

    /// The outbox email saved as `{name}.eml`, its quoted-printable text decoded
    /// (an email with `¥` or `€` in it is sent that way).
    pub fn outbox_file(&self, name: &str) -> String {
        let raw = std::fs::read(self.data_dir.join("outbox").join(format!("{name}.eml"))).unwrap();
        let mut out = Vec::with_capacity(raw.len());
        let mut bytes = raw.iter().copied().peekable();
        while let Some(byte) = bytes.next() {
            if byte != b'=' {
                out.push(byte);
                continue;
            }
            let high = bytes.next().unwrap_or(b'\n');
            if high == b'\r' || high == b'\n' {
                if high == b'\r' && bytes.peek() == Some(&b'\n') {
                    bytes.next();
                }
                continue;
            }
            let low = bytes.next().unwrap_or(b'0');
            let hex = [high, low];
            match u8::from_str_radix(std::str::from_utf8(&hex).unwrap_or("zz"), 16) {
                Ok(value) => out.push(value),
                Err(_) => out.extend_from_slice(&[b'=', high, low]),
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}
