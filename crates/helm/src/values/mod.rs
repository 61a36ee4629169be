//! Values: the user's (`-f` files and the `--set` family), coalesced with
//! the chart's defaults into what templates see as `.Values`.
//!
//! [`prepare`] is the install-time path of `helm template` after loading:
//! the installable check, the missing-dependency check, dependency
//! processing and `ToRenderValues`' coalescing. [`scoped_values`] gives a
//! subchart's `.Values` from the top-level tree, as the engine scopes them.

pub mod coalesce;
pub mod options;
pub mod strvals;

use crate::chart::Chart;
use capstan_gotmpl::{Map, Value};

pub use coalesce::{CoalesceError, coalesce_values, merge_values};
pub use options::{LocalFiles, Options, OptionsError, ValueSources};
pub use strvals::{Mode, StrvalsError};

/// A chart ready to render: dependencies processed, values coalesced.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The chart tree with disabled subcharts removed and aliases applied.
    pub chart: Chart,
    /// The top-level `.Values` (subchart values under their names).
    pub values: Map,
    /// Lines Helm would log (`warning: ...`), in order.
    pub warnings: Vec<String>,
}

/// Why a chart cannot be prepared for rendering.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PrepareError {
    /// The chart's type is not installable (`library charts are not installable`).
    #[error("{0} charts are not installable")]
    NotInstallable(String),
    /// A declared dependency has no vendored chart: the bare text of Helm's
    /// `CheckDependencies`. The `helm` CLI prints it after `an error occurred
    /// while checking for chart dependencies. You may need to run 'helm
    /// dependency build' to fetch missing dependencies: ` (the oracle's SDK
    /// after `chart dependencies are missing; run dependency update/build
    /// first: `), so the prefix is left to the caller.
    #[error("{0}")]
    MissingDependencies(String),
    /// Dependency processing failed (Helm's `action.Install` wording).
    #[error("chart dependencies processing failed: {0}")]
    Dependencies(String),
    /// Coalescing failed (e.g. `type mismatch on sub: ...`).
    #[error("{0}")]
    Coalesce(String),
}

/// The steps of `helm template` between loading and rendering.
pub fn prepare(chart: Chart, user: &Map) -> Result<Prepared, PrepareError> {
    prepare_with(chart, user, false)
}

/// [`prepare`] with the values of [`coalesce::coalesce_values_shared`]:
/// render them only with templates executing guarded, and from
/// [`Prepared::unshare`]'s values again when a write was refused.
pub(crate) fn prepare_shared(chart: Chart, user: &Map) -> Result<Prepared, PrepareError> {
    prepare_with(chart, user, true)
}

impl Prepared {
    /// The values coalesced again, copied where [`prepare_shared`] shared
    /// them (the same values; dependency processing is not repeated).
    pub(crate) fn unshare(&mut self, user: &Map) -> Result<(), PrepareError> {
        self.values = coalesce_values(&self.chart, user, &mut Vec::new())
            .map_err(|e| PrepareError::Coalesce(e.0))?;
        Ok(())
    }
}

fn prepare_with(mut chart: Chart, user: &Map, share: bool) -> Result<Prepared, PrepareError> {
    match chart.metadata.chart_type.as_str() {
        "" | "application" => {}
        other => return Err(PrepareError::NotInstallable(other.to_string())),
    }
    crate::deps::check_dependencies(&chart).map_err(|e| PrepareError::MissingDependencies(e.0))?;
    let mut warnings = Vec::new();
    crate::deps::process_dependencies(&mut chart, user, &mut warnings)
        .map_err(|e| PrepareError::Dependencies(e.0))?;
    let values = if share {
        coalesce::coalesce_values_shared(&chart, user, &mut warnings)
    } else {
        coalesce_values(&chart, user, &mut warnings)
    }
    .map_err(|e| PrepareError::Coalesce(e.0))?;
    Ok(Prepared {
        chart,
        values,
        warnings,
    })
}

/// The `.Values` of the chart at `chart_path` (names from the root, the
/// root's own name first): each level is the parent's entry under the
/// subchart's name, or an empty map when that is missing or not a map.
/// This is a snapshot of the contents; a renderer that wants Go's aliasing
/// (a subchart's `set` on `.Values` visible in the parent's
/// `.Values.<sub>`) hands out the map references of `top` itself, walking
/// the same dotted lookup.
///
/// Helm looks the name up as a dotted path (`Values.<name>`), so a
/// subchart whose name contains dots reads nested tables instead of its
/// own entry; that is reproduced.
pub fn scoped_values(top: &Map, chart_path: &[&str]) -> Map {
    let mut cur = top.clone();
    for name in chart_path.iter().skip(1) {
        let mut next = Some(cur);
        for part in name.split('.') {
            next = match next.as_ref().and_then(|m| m.get(part)) {
                Some(Value::Map(m)) => Some(Map::clone(&m.snapshot())),
                _ => None,
            };
        }
        cur = next.unwrap_or_default();
    }
    cur
}
