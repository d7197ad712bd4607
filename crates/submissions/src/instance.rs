//! One submission as ODK Collect sends it: the form's instance as XML (`<data id="homeward_rss"
//! ...><profile><case_id>...</case_id>...<meta><instanceID>uuid:...</instanceID></meta></data>`).
//! Its leaves are read as the columns of a one-row export named by their paths, so an instance
//! means exactly what the same answers mean in a KoboToolbox export.

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::{Columns, ExportError, Instrument, Submission};

/// Reads an instance of the form `form_id`.
pub fn read_instance(xml: &[u8], form_id: &str, instrument: &Instrument) -> Result<Submission, ExportError> {
    let bad = |why: String| ExportError::Instance(why);
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().trim_text(true);
    // The open elements under the root, each with whether it holds elements (a group).
    let mut open: Vec<(String, bool)> = Vec::new();
    let mut root_open = false;
    let mut leaves: Vec<(String, String)> = Vec::new();
    let mut text = String::new();
    let mut buf = Vec::new();
    let name_of = |local: &str| local.to_string();
    loop {
        match reader.read_event_into(&mut buf).map_err(|e| bad(e.to_string()))? {
            Event::Start(e) if !root_open => {
                let id = e
                    .try_get_attribute("id")
                    .map_err(|e| bad(e.to_string()))?
                    .map(|a| a.value.to_string())
                    .unwrap_or_default();
                if id != form_id {
                    return Err(bad(format!("it is an instance of form '{id}', not of '{form_id}'")));
                }
                root_open = true;
            }
            Event::Empty(_) if !root_open => return Err(bad("it has no answers".into())),
            Event::Start(e) => {
                if let Some(parent) = open.last_mut() {
                    parent.1 = true;
                }
                open.push((name_of(e.local_name().as_ref()), false));
                text.clear();
            }
            Event::Empty(e) => {
                if let Some(parent) = open.last_mut() {
                    parent.1 = true;
                }
                let names: Vec<&str> = open.iter().map(|(n, _)| n.as_str()).collect();
                leaves.push((joined(&names, &name_of(e.local_name().as_ref())), String::new()));
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().map_err(|e| bad(e.to_string()))?
                } else {
                    quick_xml::escape::resolve_predefined_entity(&r).and_then(|s| s.chars().next())
                };
                text.push(resolved.ok_or_else(|| bad(format!("unknown entity &{};", &*r)))?);
            }
            Event::End(_) => {
                let Some((name, group)) = open.pop() else { break };
                if !group {
                    let names: Vec<&str> = open.iter().map(|(n, _)| n.as_str()).collect();
                    leaves.push((joined(&names, &name), std::mem::take(&mut text)));
                }
                text.clear();
            }
            Event::Eof => return Err(bad("it ends before its root element closes".into())),
            _ => {}
        }
        buf.clear();
    }
    let header: Vec<&str> = leaves.iter().map(|(p, _)| p.as_str()).collect();
    let columns = Columns::of(&header, instrument).ok_or_else(|| bad("it answers no question of the RSS".into()))?;
    let cells: Vec<&str> = leaves.iter().map(|(_, v)| v.trim()).collect();
    let names: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    crate::submission(1, &cells, &columns, &names, instrument).map_err(|p| bad(format!("{}: {}", p.column, p.problem)))
}

/// A leaf's path under the root, as an export names its column (`profile/case_id`).
fn joined(groups: &[&str], name: &str) -> String {
    groups.iter().copied().chain([name]).collect::<Vec<_>>().join("/")
}
