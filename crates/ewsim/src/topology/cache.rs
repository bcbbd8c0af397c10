//! Topology Aware Routing in the EndpointSlice controller (`topology-mode: Auto`).
//!
//! Source of the facts: upstream `staging/src/k8s.io/endpointslice/topologycache/`
//! (`topologycache.go`: `SetNodes`, `getAllocations`, `AddHints`, `SetHints`, `RemoveHints`,
//! `GetOverloadedServices`; `utils.go`: `getGivingAndReceivingZones`, `getMost`,
//! `redistributeHints`, `getHintsByZone`, `serviceOverloaded`, `RemoveHintsFromSlices`;
//! `sliceinfo.go`: `getTotalReadyEndpoints`, `getAllocatedHintsByZone`; `event.go`: messages),
//! as summarised in reference §1.3–§1.10.
//!
//! Floating-point math mirrors upstream `float64` operations step by step (same operands, same
//! order), because rounding decides `ceil` results at integer boundaries.

use std::collections::{BTreeMap, BTreeSet};

use super::{AddressType, Endpoint, EndpointHints, EndpointSlice, Node, SliceInfo};

/// Maximum tolerated overload per endpoint (`overloadThreshold = 0.2` in `topologycache.go`).
///
/// Upstream has a single constant and no hysteresis, unlike the 30 % / 20 % text of KEP-2433.
pub const OVERLOAD_THRESHOLD: f64 = 0.2;

/// `1 / (1 + overloadThreshold)`, the factor applied to `desired` to obtain each zone's minimum
/// (`math.Ceil(desired * (1 / (1 + overloadThreshold)))` in `getAllocations`).
const MIN_FACTOR: f64 = 1.0 / (1.0 + OVERLOAD_THRESHOLD);

/// Number of hinted endpoints per zone for one Service and address family
/// (upstream `EndpointZoneInfo`, `map[string]int`).
pub type EndpointZoneInfo = BTreeMap<String, usize>;

/// Per-zone allocation computed by [`TopologyCache::get_allocations`] (upstream `allocation`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Allocation {
    /// `ceil(desired / 1.2)`: fewest endpoints the zone may receive.
    pub minimum: usize,
    /// `max(ratio · n, minimum)`.
    pub desired: f64,
    /// `minimum + (n − Σ minimum)`.
    pub maximum: usize,
}

/// Why the controller removed (or did not write) Topology Aware Routing hints.
///
/// Variant names are the upstream message constant names from `event.go`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HintsRemovedReason {
    /// CPU ratios are nil: a Ready, non-control-plane node lacks a zone label or allocatable CPU,
    /// fewer than 2 zones have Ready nodes, or there are no nodes.
    InsufficientNodeInfo,
    /// Ratios cover a single zone (reachable only with injected ratios, see reference §1.4).
    NodesReadyInOneZoneOnly,
    /// Fewer ready endpoints than zones.
    InsufficientNumberOfEndpoints {
        /// Ready endpoints of the Service (this address family).
        endpoints: usize,
        /// Zones in the CPU ratios.
        zones: usize,
    },
    /// `Σ ceil(ratio · n / 1.2) > n`.
    MinAllocationExceedsOverloadThreshold {
        /// Ready endpoints of the Service (this address family).
        endpoints: usize,
        /// Zones in the CPU ratios.
        zones: usize,
    },
    /// A ready endpoint has no zone.
    NoZoneSpecified,
    /// Nothing was allocated to any zone.
    NoAllocatedHintsForZones,
    /// The annotation was removed or changed away from `Auto` while hints existed
    /// (emitted by the reconciler, not by `AddHints`).
    TopologyAwareHintsDisabled,
}

impl HintsRemovedReason {
    /// Upstream constant name, e.g. `"InsufficientNodeInfo"`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::InsufficientNodeInfo => "InsufficientNodeInfo",
            Self::NodesReadyInOneZoneOnly => "NodesReadyInOneZoneOnly",
            Self::InsufficientNumberOfEndpoints { .. } => "InsufficientNumberOfEndpoints",
            Self::MinAllocationExceedsOverloadThreshold { .. } => {
                "MinAllocationExceedsOverloadThreshold"
            }
            Self::NoZoneSpecified => "NoZoneSpecified",
            Self::NoAllocatedHintsForZones => "NoAllocatedHintsForZones",
            Self::TopologyAwareHintsDisabled => "TopologyAwareHintsDisabled",
        }
    }

    /// Value of the upstream message constant (without count or address-type suffix).
    #[must_use]
    pub fn message_constant(self) -> &'static str {
        match self {
            Self::InsufficientNodeInfo => {
                "Insufficient Node information: allocatable CPU or zone not specified on one or more nodes"
            }
            Self::NodesReadyInOneZoneOnly => "Nodes only ready in one zone",
            Self::InsufficientNumberOfEndpoints { .. } => "Insufficient number of endpoints",
            Self::MinAllocationExceedsOverloadThreshold { .. } => {
                "Unable to allocate minimum required endpoints to each zone without exceeding overload threshold"
            }
            Self::NoZoneSpecified => "One or more endpoints do not have a zone specified",
            Self::NoAllocatedHintsForZones => "No hints allocated for zones",
            Self::TopologyAwareHintsDisabled => "Topology Aware Hints has been disabled",
        }
    }

    /// Message without the address-type suffix, with the `" (n endpoints, z zones)"` suffix where
    /// upstream adds one.
    #[must_use]
    pub fn message(self) -> String {
        match self {
            Self::InsufficientNumberOfEndpoints { endpoints, zones }
            | Self::MinAllocationExceedsOverloadThreshold { endpoints, zones } => format!(
                "{} ({endpoints} endpoints, {zones} zones)",
                self.message_constant()
            ),
            _ => self.message_constant().to_owned(),
        }
    }
}

/// Kubernetes event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventType {
    /// `Normal`.
    Normal,
    /// `Warning`.
    Warning,
}

impl EventType {
    /// Upstream spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "Normal",
            Self::Warning => "Warning",
        }
    }
}

/// An event the controller records on the Service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TopologyEvent {
    /// Normal `TopologyAwareHintsEnabled`: hints populated while they were not before.
    HintsEnabled,
    /// Warning `TopologyAwareHintsDisabled` with the given reason.
    HintsDisabled(HintsRemovedReason),
}

impl TopologyEvent {
    /// Event type.
    #[must_use]
    pub fn event_type(self) -> EventType {
        match self {
            Self::HintsEnabled => EventType::Normal,
            Self::HintsDisabled(_) => EventType::Warning,
        }
    }

    /// Event reason (`TopologyAwareHintsEnabled` / `TopologyAwareHintsDisabled`).
    #[must_use]
    pub fn reason(self) -> &'static str {
        match self {
            Self::HintsEnabled => "TopologyAwareHintsEnabled",
            Self::HintsDisabled(_) => "TopologyAwareHintsDisabled",
        }
    }

    /// Full message as upstream records it, including `", addressType: …"`
    /// (`FormatWithAddressType`).
    #[must_use]
    pub fn message(self, address_type: AddressType) -> String {
        let base = match self {
            Self::HintsEnabled => "Topology Aware Hints has been enabled".to_owned(),
            Self::HintsDisabled(reason) => reason.message(),
        };
        format!("{base}, addressType: {}", address_type.as_str())
    }
}

/// Cluster-wide CPU ratios plus per-Service hint bookkeeping (upstream `TopologyCache`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TopologyCache {
    sufficient_node_info: bool,
    cpu_by_zone: Option<BTreeMap<String, u64>>,
    cpu_ratios_by_zone: Option<BTreeMap<String, f64>>,
    endpoints_by_service: BTreeMap<String, BTreeMap<AddressType, EndpointZoneInfo>>,
    hints_populated_by_service: BTreeSet<String>,
}

impl TopologyCache {
    /// An empty cache (no node information: every `Auto` Service gets `InsufficientNodeInfo`).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Recompute zone CPU ratios from the nodes (upstream `SetNodes`, reference §1.4).
    ///
    /// Control-plane and non-Ready nodes are skipped. The first remaining node without a zone
    /// label or with zero allocatable CPU makes the information insufficient for the whole
    /// cluster (the scan stops there). Ratios are `cpu_milli[zone] / total_milli` as `f64`, and
    /// are `None` when the total is 0, the information is insufficient, or fewer than 2 zones
    /// remain.
    pub fn set_nodes(&mut self, nodes: &[Node]) {
        let mut cpu_by_zone: BTreeMap<String, u64> = BTreeMap::new();
        let mut sufficient = true;
        let mut total: u64 = 0;
        for node in nodes {
            if node.control_plane || !node.ready {
                continue;
            }
            match node.zone_label() {
                Some(zone) if node.allocatable_cpu_milli != 0 => {
                    total = total.saturating_add(node.allocatable_cpu_milli);
                    let entry = cpu_by_zone.entry(zone.to_owned()).or_insert(0);
                    *entry = entry.saturating_add(node.allocatable_cpu_milli);
                }
                _ => {
                    cpu_by_zone.clear();
                    sufficient = false;
                    break;
                }
            }
        }
        if total == 0 || !sufficient || cpu_by_zone.len() < 2 {
            self.sufficient_node_info = false;
            self.cpu_by_zone = None;
            self.cpu_ratios_by_zone = None;
            return;
        }
        let ratios = cpu_by_zone
            .iter()
            .map(|(zone, &cpu)| (zone.clone(), cpu as f64 / total as f64))
            .collect();
        self.sufficient_node_info = true;
        self.cpu_by_zone = Some(cpu_by_zone);
        self.cpu_ratios_by_zone = Some(ratios);
    }

    /// Inject CPU ratios directly (what upstream unit tests do); `sufficient_node_info` is left
    /// as is. With a single zone this reaches `NodesReadyInOneZoneOnly`, which
    /// [`set_nodes`](Self::set_nodes) never produces.
    pub fn set_cpu_ratios_by_zone(&mut self, ratios: Option<BTreeMap<String, f64>>) {
        self.cpu_ratios_by_zone = ratios;
    }

    /// Whether the last [`set_nodes`](Self::set_nodes) found usable node information.
    #[must_use]
    pub fn sufficient_node_info(&self) -> bool {
        self.sufficient_node_info
    }

    /// Allocatable CPU (millicores) per zone, `None` when node info is insufficient.
    #[must_use]
    pub fn cpu_by_zone(&self) -> Option<&BTreeMap<String, u64>> {
        self.cpu_by_zone.as_ref()
    }

    /// CPU share per zone, `None` when node info is insufficient.
    #[must_use]
    pub fn cpu_ratios_by_zone(&self) -> Option<&BTreeMap<String, f64>> {
        self.cpu_ratios_by_zone.as_ref()
    }

    /// Per-zone allocations for `n` ready endpoints (upstream `getAllocations`, reference §1.5).
    ///
    /// # Errors
    ///
    /// The first failing safeguard, in upstream order: `InsufficientNodeInfo` (no ratios),
    /// `NodesReadyInOneZoneOnly` (< 2 zones), `InsufficientNumberOfEndpoints` (zones > n),
    /// `MinAllocationExceedsOverloadThreshold` (Σ minimum > n).
    pub fn get_allocations(
        &self,
        n: usize,
    ) -> Result<BTreeMap<String, Allocation>, HintsRemovedReason> {
        let Some(ratios) = self.cpu_ratios_by_zone.as_ref() else {
            return Err(HintsRemovedReason::InsufficientNodeInfo);
        };
        let zones = ratios.len();
        if zones < 2 {
            return Err(HintsRemovedReason::NodesReadyInOneZoneOnly);
        }
        if zones > n {
            return Err(HintsRemovedReason::InsufficientNumberOfEndpoints {
                endpoints: n,
                zones,
            });
        }
        let mut allocations = BTreeMap::new();
        let mut min_total: usize = 0;
        // Zone order does not change the outcome: the running sum of non-negative minimums
        // exceeds n at some point iff the final sum does.
        for (zone, &ratio) in ratios {
            let desired = ratio * n as f64;
            let minimum_f = (desired * MIN_FACTOR).ceil();
            // ratio ∈ (0, 1] so minimum_f ∈ [0, n]; the cast cannot truncate meaningfully.
            let minimum = if minimum_f > 0.0 {
                minimum_f as usize
            } else {
                0
            };
            allocations.insert(
                zone.clone(),
                Allocation {
                    minimum,
                    desired: desired.max(minimum as f64),
                    maximum: 0,
                },
            );
            min_total = min_total.saturating_add(minimum);
            if min_total > n {
                return Err(HintsRemovedReason::MinAllocationExceedsOverloadThreshold {
                    endpoints: n,
                    zones,
                });
            }
        }
        for allocation in allocations.values_mut() {
            allocation.maximum = allocation.minimum + (n - min_total);
        }
        Ok(allocations)
    }

    /// Assign Topology Aware Routing hints to one Service's slices (upstream `AddHints`,
    /// reference §1.6). Slices are modified in place; unchanged slices whose hints are no longer
    /// valid are moved to `to_update`. Returns the events upstream would record.
    ///
    /// On any safeguard failure every hint on every slice is removed
    /// ([`remove_hints_from_slices`]) and the cache entry is dropped.
    pub fn add_hints(&mut self, service_key: &str, si: &mut SliceInfo) -> Vec<TopologyEvent> {
        let total_ready = si.all_endpoints().filter(|e| e.ready).count();
        let allocations = match self.get_allocations(total_ready) {
            Ok(a) => a,
            Err(reason) => return self.disable(service_key, si, reason),
        };

        let mut allocated: BTreeMap<String, i64> = get_allocated_hints_by_zone(si, &allocations)
            .into_iter()
            .map(|(z, c)| (z, i64::try_from(c).unwrap_or(i64::MAX)))
            .collect();

        // Step 1: same-zone hints, walking to_create then to_update in slice/endpoint order.
        let mut missing_zone = false;
        for ep in allocatable_endpoints(si) {
            if !ep.ready {
                ep.hints = None;
                continue;
            }
            let Some(zone) = ep.zone.clone().filter(|z| !z.is_empty()) else {
                missing_zone = true;
                break;
            };
            *allocated.entry(zone.clone()).or_insert(0) += 1;
            ep.hints = Some(EndpointHints::for_zone(zone));
        }
        if missing_zone {
            return self.disable(service_key, si, HintsRemovedReason::NoZoneSpecified);
        }

        // Step 2: whole endpoints to move between zones.
        let desired: BTreeMap<String, f64> = allocations
            .iter()
            .map(|(z, a)| (z.clone(), a.desired))
            .collect();
        let (giving, receiving) = get_giving_and_receiving_zones(&desired, &allocated);

        // Step 3: re-hint endpoints of giving zones.
        let redistributions = redistribute_hints(allocatable_endpoints(si), giving, receiving);
        for (zone, diff) in redistributions {
            *allocated.entry(zone).or_insert(0) += diff;
        }

        if allocated.is_empty() {
            return self.disable(
                service_key,
                si,
                HintsRemovedReason::NoAllocatedHintsForZones,
            );
        }

        let was_enabled = self.hints_populated_by_service.contains(service_key);
        let info: EndpointZoneInfo = allocated
            .into_iter()
            .map(|(z, c)| (z, usize::try_from(c).unwrap_or(0)))
            .collect();
        self.set_hints(service_key, si.address_type, info);
        if was_enabled {
            Vec::new()
        } else {
            vec![TopologyEvent::HintsEnabled]
        }
    }

    fn disable(
        &mut self,
        service_key: &str,
        si: &mut SliceInfo,
        reason: HintsRemovedReason,
    ) -> Vec<TopologyEvent> {
        self.remove_hints(service_key, si.address_type);
        remove_hints_from_slices(si);
        vec![TopologyEvent::HintsDisabled(reason)]
    }

    /// Record the hinted endpoints per zone for a Service (upstream `SetHints`).
    pub fn set_hints(
        &mut self,
        service_key: &str,
        address_type: AddressType,
        info: EndpointZoneInfo,
    ) {
        self.endpoints_by_service
            .entry(service_key.to_owned())
            .or_default()
            .insert(address_type, info);
        self.hints_populated_by_service
            .insert(service_key.to_owned());
    }

    /// Forget a Service's hints for one address family (upstream `RemoveHints`).
    pub fn remove_hints(&mut self, service_key: &str, address_type: AddressType) {
        if let Some(by_type) = self.endpoints_by_service.get_mut(service_key) {
            by_type.remove(&address_type);
            if by_type.is_empty() {
                self.endpoints_by_service.remove(service_key);
            }
        }
        self.hints_populated_by_service.remove(service_key);
    }

    /// Whether hints are currently populated for the Service (upstream `HasPopulatedHints`).
    #[must_use]
    pub fn has_populated_hints(&self, service_key: &str) -> bool {
        self.hints_populated_by_service.contains(service_key)
    }

    /// Hinted endpoints per zone recorded for a Service and address family.
    #[must_use]
    pub fn endpoint_zone_info(
        &self,
        service_key: &str,
        address_type: AddressType,
    ) -> Option<&EndpointZoneInfo> {
        self.endpoints_by_service
            .get(service_key)
            .and_then(|m| m.get(&address_type))
    }

    /// Services whose recorded hints are overloaded under the current ratios, sorted by key
    /// (upstream `GetOverloadedServices`, reference §1.7).
    #[must_use]
    pub fn get_overloaded_services(&self) -> Vec<String> {
        self.endpoints_by_service
            .iter()
            .filter(|(_, by_type)| {
                by_type
                    .values()
                    .any(|ezi| service_overloaded(ezi, self.cpu_ratios_by_zone.as_ref()))
            })
            .map(|(k, _)| k.clone())
            .collect()
    }
}

/// Endpoints the controller may (re)hint: `to_create` then `to_update`, in slice order.
fn allocatable_endpoints(si: &mut SliceInfo) -> impl Iterator<Item = &mut Endpoint> {
    si.to_create
        .iter_mut()
        .chain(si.to_update.iter_mut())
        .flat_map(|s| s.endpoints.iter_mut())
}

/// Whole endpoints each zone gives away and receives (upstream `getGivingAndReceivingZones`,
/// reference §1.6 step 3).
///
/// `desired` is each zone's `Allocation::desired`; `allocated` the endpoints currently hinted for
/// each zone (zones missing from `allocated` count as 0; zones missing from `desired` are
/// ignored). Surplus and deficit are `f64`. The loop repeatedly takes the zone with the largest
/// remaining surplus and the one with the largest remaining deficit, and stops when either is
/// missing, both are < 1, or either is < 0.5.
///
/// Tie-break (documented deviation from upstream's random Go map order, reference §1.9): the
/// "largest" scan visits zones in lexicographic order and keeps the **first** strict maximum, so
/// among equal values the lexicographically smallest zone wins. Like upstream, the scan starts
/// from 0 with a strict `>`, so non-positive amounts are never picked.
#[must_use]
pub fn get_giving_and_receiving_zones(
    desired: &BTreeMap<String, f64>,
    allocated: &BTreeMap<String, i64>,
) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let mut give: BTreeMap<&str, f64> = BTreeMap::new();
    let mut recv: BTreeMap<&str, f64> = BTreeMap::new();
    for (zone, &target) in desired {
        let have = allocated.get(zone).copied().unwrap_or(0) as f64;
        if have > target {
            give.insert(zone.as_str(), have - target);
        } else if have < target {
            recv.insert(zone.as_str(), target - have);
        }
    }

    let mut giving: BTreeMap<String, usize> = BTreeMap::new();
    let mut receiving: BTreeMap<String, usize> = BTreeMap::new();
    while let (Some((gz, g)), Some((rz, r))) = (get_most(&give), get_most(&recv)) {
        if (g < 1.0 && r < 1.0) || g < 0.5 || r < 0.5 {
            break;
        }
        *giving.entry(gz.to_owned()).or_insert(0) += 1;
        *receiving.entry(rz.to_owned()).or_insert(0) += 1;
        if let Some(v) = give.get_mut(gz) {
            *v -= 1.0;
        }
        if let Some(v) = recv.get_mut(rz) {
            *v -= 1.0;
        }
    }
    (giving, receiving)
}

/// Upstream `getMost`: first zone (lexicographic here) whose amount is strictly greater than every
/// earlier one, starting from 0.
fn get_most<'a>(zones: &BTreeMap<&'a str, f64>) -> Option<(&'a str, f64)> {
    let mut best: Option<(&'a str, f64)> = None;
    let mut num = 0.0_f64;
    for (&zone, &amount) in zones {
        if amount > num {
            num = amount;
            best = Some((zone, amount));
        }
    }
    best
}

/// Move hints from giving zones to receiving zones (upstream `redistributeHints`,
/// reference §1.6 step 4). Returns the per-zone change in hinted endpoints.
///
/// Walks `endpoints` in order, skipping not-ready ones and ones without a zone, and stops once
/// either map is empty. An endpoint whose **own zone** still has endpoints to give is re-hinted
/// with exactly one `forZones` entry: the first receiving zone (lexicographic order here; upstream
/// takes Go map order, reference §1.9) that still needs endpoints. Counters reaching 0 are
/// removed.
pub fn redistribute_hints<'a, I>(
    endpoints: I,
    mut giving: BTreeMap<String, usize>,
    mut receiving: BTreeMap<String, usize>,
) -> BTreeMap<String, i64>
where
    I: IntoIterator<Item = &'a mut Endpoint>,
{
    let mut redistributions: BTreeMap<String, i64> = BTreeMap::new();
    for ep in endpoints {
        if !ep.ready {
            continue;
        }
        if giving.is_empty() || receiving.is_empty() {
            break;
        }
        let Some(zone) = ep.zone.as_deref().filter(|z| !z.is_empty()) else {
            continue;
        };
        let to_give = giving.get(zone).copied().unwrap_or(0);
        if to_give == 0 {
            continue;
        }
        let Some((receiver, to_receive)) = receiving
            .iter()
            .find(|(_, n)| **n > 0)
            .map(|(z, n)| (z.clone(), *n))
        else {
            continue;
        };
        let zone = zone.to_owned();
        ep.hints = Some(EndpointHints::for_zone(receiver.clone()));
        if to_give == 1 {
            giving.remove(&zone);
        } else {
            giving.insert(zone.clone(), to_give - 1);
        }
        if to_receive == 1 {
            receiving.remove(&receiver);
        } else {
            receiving.insert(receiver.clone(), to_receive - 1);
        }
        *redistributions.entry(receiver).or_insert(0) += 1;
        *redistributions.entry(zone).or_insert(0) -= 1;
    }
    redistributions
}

/// Zone hint counts of an existing slice, or `None` if the slice must be re-hinted
/// (upstream `getHintsByZone`, reference §1.6 step 1).
///
/// `None` when a ready endpoint has no zone hint, a hinted zone has no allocation, or
/// `hints + already_allocated` would exceed a zone's `maximum`. Not-ready endpoints are ignored.
#[must_use]
pub fn get_hints_by_zone(
    slice: &EndpointSlice,
    already_allocated: &BTreeMap<String, usize>,
    allocations: &BTreeMap<String, Allocation>,
) -> Option<BTreeMap<String, usize>> {
    let mut hints_by_zone: BTreeMap<String, usize> = BTreeMap::new();
    for ep in slice.endpoints.iter().filter(|e| e.ready) {
        let zones = ep.zone_hints();
        if zones.is_empty() {
            return None;
        }
        for zone in zones {
            if !allocations.contains_key(zone) {
                return None;
            }
            *hints_by_zone.entry(zone.clone()).or_insert(0) += 1;
        }
    }
    for (zone, &count) in &hints_by_zone {
        let already = already_allocated.get(zone).copied().unwrap_or(0);
        let maximum = allocations.get(zone).map_or(0, |a| a.maximum);
        if count + already > maximum {
            return None;
        }
    }
    Some(hints_by_zone)
}

/// Count still-valid hints of unchanged slices; invalid ones move to `to_update`
/// (upstream `SliceInfo.getAllocatedHintsByZone`).
fn get_allocated_hints_by_zone(
    si: &mut SliceInfo,
    allocations: &BTreeMap<String, Allocation>,
) -> EndpointZoneInfo {
    let mut allocated = EndpointZoneInfo::new();
    let mut still_unchanged = Vec::with_capacity(si.unchanged.len());
    for slice in std::mem::take(&mut si.unchanged) {
        match get_hints_by_zone(&slice, &allocated, allocations) {
            Some(hints) => {
                for (zone, n) in hints {
                    *allocated.entry(zone).or_insert(0) += n;
                }
                still_unchanged.push(slice);
            }
            None => si.to_update.push(slice),
        }
    }
    si.unchanged = still_unchanged;
    allocated
}

/// Remove all hints (upstream `RemoveHintsFromSlices`): cleared on `to_create` and `to_update`;
/// unchanged slices that carried any hint are cleared and moved to `to_update`.
pub fn remove_hints_from_slices(si: &mut SliceInfo) {
    for ep in allocatable_endpoints(si) {
        ep.hints = None;
    }
    let mut still_unchanged = Vec::with_capacity(si.unchanged.len());
    for mut slice in std::mem::take(&mut si.unchanged) {
        if slice.endpoints.iter().any(|e| e.hints.is_some()) {
            for ep in &mut slice.endpoints {
                ep.hints = None;
            }
            si.to_update.push(slice);
        } else {
            still_unchanged.push(slice);
        }
    }
    si.unchanged = still_unchanged;
}

/// Whether a Service's hints leave some zone under-served (upstream `serviceOverloaded`,
/// reference §1.7).
///
/// False when `info` is empty; true when the ratios are missing or empty, when a zone of the
/// ratios has no entry in `info`, or when its count is below
/// `ceil(total · ratio · (1 / 1.2))`.
#[must_use]
pub fn service_overloaded(info: &EndpointZoneInfo, ratios: Option<&BTreeMap<String, f64>>) -> bool {
    if info.is_empty() {
        return false;
    }
    let Some(ratios) = ratios.filter(|r| !r.is_empty()) else {
        return true;
    };
    let total: f64 = info.values().map(|&n| n as f64).sum();
    ratios.iter().any(|(zone, &ratio)| match info.get(zone) {
        None => true,
        Some(&n) => (n as f64) < (total * ratio * MIN_FACTOR).ceil(),
    })
}
