//! Steady-state load of a traffic edge: monthly GB, requests and connections per second.

use crate::scenario::{Billing, Connections, TrafficEdge, TrafficVolume};
use rust_decimal::Decimal;

/// Load of one edge under a billing convention (hours per month, bytes per GB).
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeLoad {
    /// Request plus response GB per month.
    pub gb_month: Decimal,
    /// Requests per second, when the scenario gives enough to know it.
    pub rps: Option<Decimal>,
    /// New connections per second (0 when not given).
    pub new_connections_per_s: Decimal,
    /// Concurrent (active) connections: new per second x lifetime (Little's law).
    pub active_connections: Decimal,
}

impl EdgeLoad {
    /// Derives the load of an edge; traffic is taken as steady over the month.
    pub fn of(edge: &TrafficEdge, billing: &Billing) -> EdgeLoad {
        let seconds = billing.hours_per_month * Decimal::from(3600);
        let gb = billing.gigabyte.bytes();
        let (gb_month, rps) = match &edge.volume {
            TrafficVolume::Monthly {
                gb: v,
                bytes_per_request,
            } => (*v, bytes_per_request.map(|b| *v * gb / b / seconds)),
            TrafficVolume::Rate {
                rps,
                request_bytes,
                response_bytes,
            } => (
                // Bytes to GB first, so large rates and sizes stay far from Decimal's limit.
                *rps * ((*request_bytes + *response_bytes) / gb) * seconds,
                Some(*rps),
            ),
        };
        let (new_connections_per_s, active_connections) = match &edge.connections {
            Some(Connections {
                new_per_second,
                lifetime_seconds,
            }) => (*new_per_second, *new_per_second * *lifetime_seconds),
            None => (Decimal::ZERO, Decimal::ZERO),
        };
        EdgeLoad {
            gb_month,
            rps,
            new_connections_per_s,
            active_connections,
        }
    }

    /// GB per hour.
    pub fn gb_per_hour(&self, billing: &Billing) -> Decimal {
        self.gb_month / billing.hours_per_month
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{GigabyteUnit, Protocol};
    use rust_decimal::dec;

    #[test]
    fn rate_and_volume_forms_agree() {
        // 10 TB/month at 16 KiB per request over 730 h: 10,240 x 2^30 / 16,384 / 2,628,000 s
        // = 671,088,640 / 2,628,000 = 255.36 rps.
        let billing = Billing::default();
        let e = TrafficEdge {
            from: "a".into(),
            to: "b".into(),
            volume: TrafficVolume::Monthly {
                gb: dec!(10240),
                bytes_per_request: Some(dec!(16384)),
            },
            connections: None,
            protocol: Protocol::Tcp,
        };
        let l = EdgeLoad::of(&e, &billing);
        assert_eq!(l.rps.map(|r| r.round_dp(2)), Some(dec!(255.36)));
        // AWS ALB example: 5 requests/s moving 300 KB/s, decimal GB: 300,000 x 3,600 / 1e9 = 1.08 GB/h.
        let billing = Billing {
            gigabyte: GigabyteUnit::Decimal,
            hours_per_month: dec!(720),
            ..Billing::default()
        };
        let e = TrafficEdge {
            volume: TrafficVolume::Rate {
                rps: dec!(5),
                request_bytes: dec!(60000),
                response_bytes: dec!(0),
            },
            connections: Some(Connections {
                new_per_second: dec!(1),
                lifetime_seconds: dec!(120),
            }),
            ..e
        };
        let l = EdgeLoad::of(&e, &billing);
        assert_eq!(l.gb_per_hour(&billing), dec!(1.08));
        assert_eq!(l.active_connections, dec!(120));
    }
}
