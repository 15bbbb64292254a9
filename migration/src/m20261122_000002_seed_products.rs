//! The opening catalog: twelve kitchen and home goods, priced in US cents.

use sea_orm_migration::prelude::*;

use crate::m20261122_000001_create_products::Products;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// slug, name, description, price in cents, stock.
const CATALOG: &[(&str, &str, &str, i64, i32)] = &[
    ("stoneware-mug", "Stoneware Mug", "A hand-glazed 350 ml mug with a wide, comfortable handle. Dishwasher and microwave safe.", 1800, 40),
    ("pour-over-kettle", "Pour-Over Kettle", "A 1 litre stainless kettle with a gooseneck spout for a slow, even pour. Works on gas, electric and induction.", 6400, 12),
    ("linen-tea-towel", "Linen Tea Towel", "Stonewashed European linen that dries glasses without lint and softens with every wash.", 1450, 60),
    ("walnut-cutting-board", "Walnut Cutting Board", "End-grain black walnut, 40 x 28 cm, finished with food-safe oil. Kind to knife edges.", 7200, 8),
    ("ceramic-dripper", "Ceramic Pour-Over Dripper", "A single-cup porcelain dripper that keeps its heat for an even extraction. Takes size 02 filters.", 2800, 25),
    ("merino-throw", "Merino Wool Throw", "A 130 x 170 cm throw woven from soft merino in a quiet herringbone.", 12900, 6),
    ("beeswax-candle", "Beeswax Candle", "Pure beeswax pillar with a cotton wick. Burns clean for about 40 hours.", 2200, 50),
    ("cast-iron-skillet", "Cast Iron Skillet", "A 26 cm skillet, pre-seasoned and ready for searing, baking and decades of use.", 4800, 15),
    ("glass-carafe", "Glass Water Carafe", "A one litre borosilicate carafe with a tumbler that doubles as its lid.", 2600, 30),
    ("enamel-bowl-set", "Enamel Bowl Set", "Four enamelled steel bowls, 15 cm across, for breakfast, camping or the garden.", 3600, 20),
    ("canvas-tote", "Canvas Market Tote", "Heavy cotton canvas with leather handles and an inside pocket. Carries a full week's shop.", 2400, 3),
    ("brass-bottle-opener", "Brass Bottle Opener", "Solid brass, heavy in the hand, and it only gets better as it patinates.", 1200, 0),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut insert = Query::insert();
        insert.into_table(Products::Table).columns([
            Products::Slug,
            Products::Name,
            Products::Description,
            Products::PriceMinor,
            Products::Currency,
            Products::ImagePath,
            Products::Stock,
            Products::Active,
        ]);
        for (slug, name, description, price, stock) in CATALOG {
            insert.values_panic([
                (*slug).into(),
                (*name).into(),
                (*description).into(),
                (*price).into(),
                "USD".into(),
                format!("/images/{slug}.svg").into(),
                (*stock).into(),
                true.into(),
            ]);
        }
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let slugs = CATALOG.iter().map(|(slug, ..)| *slug);
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Products::Table)
                    .and_where(Expr::col(Products::Slug).is_in(slugs))
                    .to_owned(),
            )
            .await
    }
}
