//! Product images: uploaded by an owner (a multipart form that works without
//! JavaScript), checked from their bytes, stored under the data folder by
//! their SHA-256, and served with a year's caching, since an address never
//! changes what it shows.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use app::error::AppError;
use app::ssr::services::admin::{catalogue, images};
use app::ssr::{clock, form_outcome, AppState};
use app::types::admin::PRODUCT_IMAGE_FORM;
use app::types::FormOutcome;

/// The image form's body: the image and a little room for the other fields.
const MAX_UPLOAD_BODY: usize = images::MAX_BYTES + 64 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            PRODUCT_IMAGE_FORM,
            post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BODY)),
        )
        .route("/uploads/{name}", get(serve))
}

/// Back to the product's page, with what came of the upload.
fn back(state: &AppState, slug: &str, refusal: Option<String>) -> Response {
    let secure = state.public_base_url.starts_with("https://");
    let cookie = form_outcome::set_cookie(
        &FormOutcome {
            form: PRODUCT_IMAGE_FORM.to_owned(),
            item: Some(slug.to_owned()),
            refusal,
        },
        secure,
    );
    let slug: String = slug
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, format!("/admin/products/{slug}")),
            (header::SET_COOKIE, cookie),
        ],
    )
        .into_response()
}

/// Reads the form's `slug` and `image`; a sentence when it cannot.
async fn fields(multipart: &mut Multipart) -> Result<(String, Vec<u8>), String> {
    let unreadable = |_| "The upload could not be read. Choose the image again.".to_owned();
    let (mut slug, mut image) = (String::new(), None);
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("slug") => slug = field.text().await.map_err(unreadable)?,
            Some("image") => image = Some(field.bytes().await.map_err(unreadable)?.to_vec()),
            _ => {}
        }
    }
    Ok((slug, image.unwrap_or_default()))
}

async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let owner = match crate::admin::owner(&state, &headers).await {
        Ok(owner) => owner,
        Err(error) => return crate::admin::refusal(&error),
    };
    let (slug, bytes) = match fields(&mut multipart).await {
        Ok(read) => read,
        Err(why) => return back(&state, "", Some(why)),
    };
    let checked = match images::check(&bytes) {
        Ok(checked) => checked,
        Err(why) => return back(&state, &slug, Some(why)),
    };
    let dir = state.store.uploads_dir.clone();
    let path = dir.join(&checked.file_name);
    let stored = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::write(&path, &bytes).await
    }
    .await;
    if let Err(err) = stored {
        tracing::error!(error = %err, path = %path.display(), "could not store an uploaded image");
        return back(&state, &slug, Some(AppError::Internal.to_string()));
    }
    let address = format!("/uploads/{}", checked.file_name);
    let saved = catalogue::set_image(&state.db, &owner, &slug, &address, clock::now()).await;
    state.catalogue.invalidate();
    match saved {
        Ok(()) => back(&state, &slug, None),
        Err(error) => back(&state, &slug, Some(error.to_string())),
    }
}

/// `GET /uploads/<sha256>.<png|jpg|webp>`, cached for a year.
async fn serve(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let Some(content_type) = images::stored_type(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(state.store.uploads_dir.join(&name)).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            Body::from(bytes),
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
