//! The products on sale, kept in the process for a moment: the home page grid
//! and the product pages read them from here rather than from the database.
//!
//! An edit made through this instance's back office empties the cache at once.
//! Any other change (another instance's back office, stock sold) is seen within
//! [`FRESH_FOR`]: the cache is read again from the database once it is older.
//! The cart and checkout never read it; they check prices and stock in the
//! database, as before.

use sea_orm::ConnectionTrait;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

use crate::error::AppError;
use crate::ssr::services::catalog::{self, PRODUCT_NOT_FOUND};
use crate::types::{ProductCard, ProductDetail};

/// How long a reading of the catalogue is shown before it is read again.
pub const FRESH_FOR: Duration = Duration::from_millis(500);

/// What one reading of the catalogue holds: the grid, and each product's page.
/// A product whose row is broken (an unknown currency) is an error in both,
/// as it is when read directly.
struct Reading {
    grid: Result<Vec<ProductCard>, AppError>,
    pages: HashMap<String, Result<ProductDetail, AppError>>,
    /// The grid's tiles as markup, drawn by the first request that wants them.
    grid_markup: OnceLock<Arc<str>>,
    taken: Instant,
    /// The [`CatalogueCache::generation`] it was read in.
    generation: u64,
}

/// The process's catalogue, shared by every request.
#[derive(Default)]
pub struct CatalogueCache {
    reading: RwLock<Option<Arc<Reading>>>,
    /// Bumped by every local edit; a reading begun before one is not kept.
    generation: AtomicU64,
    /// One reading at a time: the requests that find the cache stale while
    /// it is being read wait for that reading instead of starting their own.
    reader: tokio::sync::Mutex<()>,
}

impl CatalogueCache {
    /// Every product on sale, in catalogue order.
    pub async fn grid(&self, db: &impl ConnectionTrait) -> Result<Vec<ProductCard>, AppError> {
        self.current(db).await?.grid.clone()
    }

    /// The grid drawn by `draw`, once per reading: until the catalogue is read
    /// again, every shopper is shown the same tiles, so they are drawn once
    /// rather than for each page.
    pub async fn grid_markup(
        &self,
        db: &impl ConnectionTrait,
        draw: impl FnOnce(Vec<ProductCard>) -> String,
    ) -> Result<Arc<str>, AppError> {
        let reading = self.current(db).await?;
        let grid = reading.grid.as_ref().map_err(Clone::clone)?;
        Ok(reading
            .grid_markup
            .get_or_init(|| draw(grid.clone()).into())
            .clone())
    }

    /// One product on sale, by its slug.
    pub async fn page(
        &self,
        db: &impl ConnectionTrait,
        slug: &str,
    ) -> Result<ProductDetail, AppError> {
        match self.current(db).await?.pages.get(slug) {
            Some(page) => page.clone(),
            None => Err(AppError::not_found(PRODUCT_NOT_FOUND)),
        }
    }

    /// Forgets the reading, after an edit to the catalogue.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        *self
            .reading
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
    }

    fn fresh(&self) -> Option<Arc<Reading>> {
        let held = self
            .reading
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()?;
        let current = held.generation == self.generation.load(Ordering::SeqCst)
            && held.taken.elapsed() < FRESH_FOR;
        current.then_some(held)
    }

    /// The reading, fresh. Most requests find it so; reading the database again
    /// is boxed, so their futures stay small (the page's future moves by value).
    async fn current(&self, db: &impl ConnectionTrait) -> Result<Arc<Reading>, AppError> {
        match self.fresh() {
            Some(reading) => Ok(reading),
            None => Box::pin(self.read_again(db)).await,
        }
    }

    async fn read_again(&self, db: &impl ConnectionTrait) -> Result<Arc<Reading>, AppError> {
        let _reading = self.reader.lock().await;
        if let Some(reading) = self.fresh() {
            return Ok(reading);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let taken = Instant::now();
        let rows = catalog::active_rows(db).await?;
        let pages = rows
            .iter()
            .map(|row| (row.slug.clone(), catalog::detail_of(row)))
            .collect();
        let grid = rows.into_iter().map(catalog::card_of).collect();
        let reading = Arc::new(Reading {
            grid,
            pages,
            grid_markup: OnceLock::new(),
            taken,
            generation,
        });
        let mut held = self
            .reading
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if generation == self.generation.load(Ordering::SeqCst) {
            *held = Some(reading.clone());
        }
        Ok(reading)
    }
}
