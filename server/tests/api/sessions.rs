//! Session lifetimes against a real database: 30 days after the shopper was last
//! seen, slid forward at most once a day, and purged once expired.

use app::ssr::{db, sessions};

const DAY: i64 = 24 * 60 * 60;
const START: i64 = 1_800_000_000;

#[tokio::test]
async fn a_session_slides_forward_while_used_and_ends_when_not() {
    let conn = db::connect(&crate::helpers::fresh_database_url().await)
        .await
        .unwrap();
    db::migrate(&conn).await.unwrap();
    let new = sessions::create(&conn, None, START).await.unwrap();
    assert_eq!(new.session.expires_at, START + 30 * DAY);

    // Seen again within the day: nothing to write.
    let found = sessions::find(&conn, &new.token, START + DAY / 2)
        .await
        .unwrap()
        .unwrap();
    assert!(!sessions::refresh(&conn, &found, START + DAY / 2)
        .await
        .unwrap());

    // Seen after 20 days: the 30 days start again from now.
    let later = START + 20 * DAY;
    let found = sessions::find(&conn, &new.token, later)
        .await
        .unwrap()
        .unwrap();
    assert!(sessions::refresh(&conn, &found, later).await.unwrap());
    let refreshed = sessions::find(&conn, &new.token, later + 29 * DAY)
        .await
        .unwrap();
    assert!(
        refreshed.is_some(),
        "alive 49 days after it began, having been used on day 20"
    );

    // Not seen for 30 days: gone, and purged.
    assert!(sessions::find(&conn, &new.token, later + 30 * DAY)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        sessions::purge_expired(&conn, later + 30 * DAY)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        sessions::purge_expired(&conn, later + 30 * DAY)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn malformed_and_unknown_tokens_find_nothing() {
    let conn = db::connect(&crate::helpers::fresh_database_url().await)
        .await
        .unwrap();
    db::migrate(&conn).await.unwrap();
    let new = sessions::create(&conn, None, START).await.unwrap();
    let mut other = new.token.clone();
    other.replace_range(0..1, if other.starts_with('0') { "1" } else { "0" });
    for token in ["", "short", "' OR '1'='1", &"z".repeat(64), &other] {
        assert!(
            sessions::find(&conn, token, START).await.unwrap().is_none(),
            "{token}"
        );
    }
    // The stored id is the hash, so presenting the hash as a token finds nothing either.
    assert!(sessions::find(&conn, &new.session.id, START)
        .await
        .unwrap()
        .is_none());
}
