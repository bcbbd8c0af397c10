//! Amazon Route 53: private hosted zones per month and DNS queries, for options that resolve a
//! service through Route 53 (`route53-nlb`).
//!
//! The query volume rests on the option's stated query rate (clients cache), so its line item is
//! marked as assumed.

use super::bill::Bill;
use crate::pricing::{PriceKey, PricingError};
use rust_decimal::Decimal;

/// Route 53 hosted zones and `dns_queries_per_second` queries over the month.
pub(super) fn price_route53(
    bill: &mut Bill,
    hosted_zones: u32,
    dns_queries_per_second: Decimal,
    hours: Decimal,
) -> Result<(), PricingError> {
    bill.add(
        "route53.hosted_zones",
        "Route 53 private hosted zones",
        Decimal::from(hosted_zones),
        "zone-month",
        PriceKey::Route53HostedZoneMonth,
        Decimal::ONE,
        false,
    )?;
    let queries = dns_queries_per_second * Decimal::from(3600) * hours / Decimal::from(1_000_000);
    if !queries.is_zero() {
        bill.add_priced(
            "route53.queries",
            "Route 53 DNS queries",
            queries,
            "1M queries",
            bill.table.get(PriceKey::Route53PerMillionQueries)?,
            PriceKey::Route53PerMillionQueries.as_str(),
            true,
        );
    }
    Ok(())
}
