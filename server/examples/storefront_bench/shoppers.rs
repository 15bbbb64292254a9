//! Shoppers made through the store's own server fns: a guest session each, with
//! a cart.

use serde_json::Value;

// shoppers

/// A browser's session cookie (`name=value`) from a response, if it set one.
pub fn cookie_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .next()
}

pub async fn add(
    client: &reqwest::Client,
    base: &str,
    cookie: Option<&str>,
    slug: &str,
) -> Option<String> {
    let mut request = client
        .post(format!("{base}/api/add_to_cart"))
        .header("accept", "application/json")
        .form(&[("slug", slug), ("quantity", "1")]);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(error) => {
            eprintln!("   adding {slug} for the benchmark: {error:?}");
            return None;
        }
    };
    assert_eq!(response.status(), 200, "adding {slug} for the benchmark");
    cookie_of(&response).or(cookie.map(str::to_owned))
}

pub async fn cart_id(client: &reqwest::Client, base: &str, cookie: &str) -> i64 {
    let cart: Value = client
        .post(format!("{base}/api/get_cart"))
        .header("accept", "application/json")
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    cart["cart_id"].as_i64().unwrap()
}

/// `count` guest shoppers with one unit of a product each in their cart.
pub async fn shoppers(
    base: &str,
    slugs: &[String],
    count: usize,
    with_cart_id: bool,
) -> Vec<(String, i64)> {
    let client = reqwest::Client::new();
    let mut made = Vec::with_capacity(count);
    let mut batches = Vec::new();
    for start in (0..count).step_by(32) {
        batches.push(start..(start + 32).min(count));
    }
    for batch in batches {
        let mut tasks = Vec::new();
        for i in batch {
            let client = client.clone();
            let base = base.to_owned();
            let slug = slugs[i % slugs.len()].clone();
            tasks.push(tokio::spawn(async move {
                // A connection the server closed as it was reused is tried again.
                let mut cookie = None;
                for _ in 0..3 {
                    cookie = add(&client, &base, None, &slug).await;
                    if cookie.is_some() {
                        break;
                    }
                }
                let cookie = cookie.expect("a guest session for the benchmark");
                let id = if with_cart_id {
                    cart_id(&client, &base, &cookie).await
                } else {
                    0
                };
                (cookie, id)
            }));
        }
        for task in tasks {
            made.push(task.await.unwrap());
        }
    }
    made
}
