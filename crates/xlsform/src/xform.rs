//! The XForm (ODK XForms 1.0, what ODK Collect downloads) written from the same sheets as the
//! XLSForm, the way pyxform writes it: one instance of nested groups, a `bind` per field, the
//! labels, hints and constraint messages in `itext` per language, each choice list as a
//! secondary instance. No Python at run time; the test suite checks the result against what
//! pyxform makes of the XLSForm, and with ODK Validate.
//!
//! Only what Homeward's forms use is supported: groups, text, integer, decimal, date,
//! select_one, select_multiple, calculate and the metadata fields. Anything else is refused
//! rather than written wrongly.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::{XlsForm, XlsFormError};

/// The instance's root element, as pyxform names it.
const ROOT: &str = "data";

/// One row of the survey sheet, read.
struct Field<'a> {
    kind: Kind<'a>,
    name: &'a str,
    /// The path of its node: `/data/group/name`.
    path: String,
    cells: BTreeMap<&'a str, &'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind<'a> {
    BeginGroup,
    EndGroup,
    Input(&'static str),
    SelectOne(&'a str),
    SelectMultiple(&'a str),
    Calculate,
    /// Filled in by the device: `jr:preload`, its parameter and the node's type.
    Preload(&'static str, &'static str, &'static str),
}

fn kind(text: &str) -> Option<Kind<'_>> {
    let mut words = text.split_whitespace();
    let first = words.next()?;
    let second = words.next();
    Some(match (first, second) {
        ("begin_group" | "begin group", None) => Kind::BeginGroup,
        ("end_group" | "end group", None) => Kind::EndGroup,
        ("text", None) => Kind::Input("string"),
        ("integer", None) => Kind::Input("int"),
        ("decimal", None) => Kind::Input("decimal"),
        ("date", None) => Kind::Input("date"),
        ("select_one", Some(list)) => Kind::SelectOne(list),
        ("select_multiple", Some(list)) => Kind::SelectMultiple(list),
        ("calculate", None) => Kind::Calculate,
        ("start", None) => Kind::Preload("timestamp", "start", "dateTime"),
        ("end", None) => Kind::Preload("timestamp", "end", "dateTime"),
        ("today", None) => Kind::Preload("date", "today", "date"),
        ("deviceid", None) => Kind::Preload("property", "deviceid", "string"),
        ("username", None) => Kind::Preload("property", "username", "string"),
        _ => return None,
    })
}

impl XlsForm {
    /// The form as an XForm document.
    pub fn to_xform(&self) -> Result<String, XlsFormError> {
        let setting = |name: &str| self.setting(name);
        let form_id = setting("form_id").ok_or_else(|| XlsFormError::Unsupported("settings: no form_id".into()))?;
        let title = setting("form_title").unwrap_or(form_id);
        let languages: Vec<&str> =
            self.survey.columns.iter().filter_map(|c| c.strip_prefix("label::")).collect::<Vec<_>>();
        let default = setting("default_language").or(languages.first().copied()).ok_or(XlsFormError::NoLanguage)?;
        let fields = self.fields()?;
        let paths: BTreeMap<&str, &str> = fields.iter().map(|f| (f.name, f.path.as_str())).collect();
        let expression = |text: &str| resolve(text, &paths);

        let mut x = String::with_capacity(256 * 1024);
        x.push_str(
            "<?xml version=\"1.0\"?><h:html xmlns=\"http://www.w3.org/2002/xforms\" \
             xmlns:h=\"http://www.w3.org/1999/xhtml\" xmlns:ev=\"http://www.w3.org/2001/xml-events\" \
             xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:jr=\"http://openrosa.org/javarosa\" \
             xmlns:orx=\"http://openrosa.org/xforms\" xmlns:odk=\"http://www.opendatakit.org/xforms\">",
        );
        let _ = write!(x, "<h:head><h:title>{}</h:title><model odk:xforms-version=\"1.0.0\">", text(title));

        // Labels, hints and constraint messages, per language; then each choice's label.
        let lists = self.choice_lists(&languages)?;
        x.push_str("<itext>");
        for language in &languages {
            let default_attr = if language == &default { " default=\"true()\"" } else { "" };
            let _ = write!(x, "<translation lang=\"{}\"{default_attr}>", attribute(language));
            for (list, items) in &lists {
                for (i, (_, labels)) in items.iter().enumerate() {
                    let label = labels.get(language).copied().unwrap_or_default();
                    let _ = write!(x, "<text id=\"{list}-{i}\"><value>{}</value></text>", text(label));
                }
            }
            for f in &fields {
                for (column, suffix) in
                    [("label", "label"), ("hint", "hint"), ("constraint_message", "jr:constraintMsg")]
                {
                    if let Some(value) = f.cells.get(format!("{column}::{language}").as_str()) {
                        let _ = write!(
                            x,
                            "<text id=\"{}:{suffix}\"><value>{}</value></text>",
                            attribute(&f.path),
                            text(value)
                        );
                    }
                }
            }
            x.push_str("</translation>");
        }
        x.push_str("</itext>");

        // The primary instance: the nodes a submission fills, nested as the groups are.
        let version = setting("version").map(|v| format!(" version=\"{}\"", attribute(v))).unwrap_or_default();
        let _ = write!(x, "<instance><{ROOT} id=\"{}\"{version}>", attribute(form_id));
        for f in &fields {
            match f.kind {
                Kind::BeginGroup => {
                    let _ = write!(x, "<{}>", f.name);
                }
                Kind::EndGroup => {
                    let _ = write!(x, "</{}>", f.name);
                }
                _ => {
                    let _ = write!(x, "<{}/>", f.name);
                }
            }
        }
        let _ = write!(x, "<meta><instanceID/><instanceName/></meta></{ROOT}></instance>");
        for (list, items) in &lists {
            let _ = write!(x, "<instance id=\"{list}\"><root>");
            for (i, (name, _)) in items.iter().enumerate() {
                let _ = write!(x, "<item><itextId>{list}-{i}</itextId><name>{}</name></item>", text(name));
            }
            x.push_str("</root></instance>");
        }

        // Binds: types, what is required, relevant or constrained, what is computed.
        for f in &fields {
            let mut attributes = Vec::new();
            match f.kind {
                Kind::EndGroup => continue,
                Kind::BeginGroup => {}
                Kind::Preload(preload, parameter, kind) => {
                    attributes.push(("jr:preload", preload.to_string()));
                    attributes.push(("type", kind.to_string()));
                    attributes.push(("jr:preloadParams", parameter.to_string()));
                }
                Kind::Input(kind) => attributes.push(("type", kind.to_string())),
                Kind::SelectOne(_) | Kind::SelectMultiple(_) | Kind::Calculate => {
                    attributes.push(("type", "string".into()));
                }
            }
            if f.cells.get("required").is_some_and(|r| matches!(*r, "yes" | "true" | "TRUE" | "true()")) {
                attributes.push(("required", "true()".into()));
            }
            if let Some(relevant) = f.cells.get("relevant") {
                attributes.push(("relevant", expression(relevant)?));
            }
            if let Some(constraint) = f.cells.get("constraint") {
                attributes.push(("constraint", expression(constraint)?));
                if f.cells.keys().any(|c| c.starts_with("constraint_message::")) {
                    attributes.push(("jr:constraintMsg", format!("jr:itext('{}:jr:constraintMsg')", f.path)));
                }
            }
            if let Some(calculation) = f.cells.get("calculation") {
                attributes.push(("calculate", expression(calculation)?));
            }
            if attributes.is_empty() {
                continue;
            }
            let _ = write!(x, "<bind nodeset=\"{}\"", attribute(&f.path));
            for (name, value) in attributes {
                let _ = write!(x, " {name}=\"{}\"", attribute(&value));
            }
            x.push_str("/>");
        }
        let _ = write!(
            x,
            "<bind nodeset=\"/{ROOT}/meta/instanceID\" type=\"string\" readonly=\"true()\" jr:preload=\"uid\"/>"
        );
        if let Some(name) = setting("instance_name") {
            let _ = write!(
                x,
                "<bind nodeset=\"/{ROOT}/meta/instanceName\" type=\"string\" calculate=\"{}\"/>",
                attribute(&expression(name)?)
            );
        }
        x.push_str("</model></h:head><h:body>");

        // The body: what the enumerator sees, in order.
        for f in &fields {
            let label = |x: &mut String| {
                if f.cells.keys().any(|c| c.starts_with("label::")) {
                    let _ = write!(x, "<label ref=\"jr:itext('{}:label')\"/>", attribute(&f.path));
                }
                if f.cells.keys().any(|c| c.starts_with("hint::")) {
                    let _ = write!(x, "<hint ref=\"jr:itext('{}:hint')\"/>", attribute(&f.path));
                }
            };
            match f.kind {
                Kind::BeginGroup => {
                    let _ = write!(x, "<group ref=\"{}\">", attribute(&f.path));
                    label(&mut x);
                }
                Kind::EndGroup => x.push_str("</group>"),
                Kind::Input(_) => {
                    let _ = write!(x, "<input ref=\"{}\">", attribute(&f.path));
                    label(&mut x);
                    x.push_str("</input>");
                }
                Kind::SelectOne(list) | Kind::SelectMultiple(list) => {
                    let tag = if matches!(f.kind, Kind::SelectOne(_)) { "select1" } else { "select" };
                    let _ = write!(x, "<{tag} ref=\"{}\">", attribute(&f.path));
                    label(&mut x);
                    let _ = write!(
                        x,
                        "<itemset nodeset=\"instance('{}')/root/item\"><value ref=\"name\"/>\
                         <label ref=\"jr:itext(itextId)\"/></itemset></{tag}>",
                        attribute(list)
                    );
                }
                Kind::Calculate | Kind::Preload(..) => {}
            }
        }
        x.push_str("</h:body></h:html>");
        Ok(x)
    }

    /// The survey sheet's rows, each with the path of its node.
    fn fields(&self) -> Result<Vec<Field<'_>>, XlsFormError> {
        let sheet = &self.survey;
        let type_at = sheet.column("type").ok_or_else(|| XlsFormError::Unsupported("survey: no type column".into()))?;
        let name_at = sheet.column("name").ok_or_else(|| XlsFormError::Unsupported("survey: no name column".into()))?;
        let mut groups: Vec<&str> = Vec::new();
        let mut fields = Vec::new();
        for (r, row) in sheet.rows.iter().enumerate() {
            let kind = kind(&row[type_at])
                .ok_or_else(|| XlsFormError::Unsupported(format!("survey row {}: type '{}'", r + 2, row[type_at])))?;
            let name = match kind {
                Kind::EndGroup => {
                    groups.pop().ok_or_else(|| XlsFormError::Unsupported(format!("survey row {}: end_group", r + 2)))?
                }
                _ => row[name_at].as_str(),
            };
            let path = format!("/{ROOT}/{}", groups.iter().chain([&name]).copied().collect::<Vec<_>>().join("/"));
            if kind == Kind::BeginGroup {
                groups.push(name);
            }
            let cells = sheet
                .columns
                .iter()
                .map(String::as_str)
                .zip(row.iter().map(String::as_str))
                .filter(|(_, v)| !v.is_empty());
            fields.push(Field { kind, name, path, cells: cells.collect() });
        }
        Ok(fields)
    }

    /// Each choice list used by the survey, in the order first used: its choices' names and
    /// labels by language.
    #[allow(clippy::type_complexity)]
    fn choice_lists<'a>(
        &'a self,
        languages: &[&'a str],
    ) -> Result<Vec<(&'a str, Vec<(&'a str, BTreeMap<&'a str, &'a str>)>)>, XlsFormError> {
        let sheet = &self.choices;
        let list_at =
            sheet.column("list_name").ok_or_else(|| XlsFormError::Unsupported("choices: no list_name".into()))?;
        let name_at = sheet.column("name").ok_or_else(|| XlsFormError::Unsupported("choices: no name".into()))?;
        let label_at: Vec<(&str, usize)> =
            languages.iter().filter_map(|l| Some((*l, sheet.column(&format!("label::{l}"))?))).collect();
        let type_at = self.survey.column("type").unwrap_or(0);
        let mut lists: Vec<(&str, Vec<(&str, BTreeMap<&str, &str>)>)> = Vec::new();
        for row in &self.survey.rows {
            let (Some(Kind::SelectOne(list)) | Some(Kind::SelectMultiple(list))) = kind(&row[type_at]) else {
                continue;
            };
            if lists.iter().any(|(l, _)| *l == list) {
                continue;
            }
            let items: Vec<_> = sheet
                .rows
                .iter()
                .filter(|c| c[list_at] == list)
                .map(|c| (c[name_at].as_str(), label_at.iter().map(|(l, at)| (*l, c[*at].as_str())).collect()))
                .collect();
            if items.is_empty() {
                return Err(XlsFormError::Unsupported(format!("choice list '{list}' has no choices")));
            }
            lists.push((list, items));
        }
        Ok(lists)
    }
}

/// An XLSForm expression with `${name}` made the node's path, spaced as pyxform spaces it.
fn resolve(expression: &str, paths: &BTreeMap<&str, &str>) -> Result<String, XlsFormError> {
    let mut out = String::with_capacity(expression.len() * 2);
    let mut rest = expression;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').ok_or_else(|| XlsFormError::Unsupported(format!("unclosed ${{ in {expression}")))?;
        let name = &after[..end];
        let path = paths.get(name).ok_or_else(|| XlsFormError::Unsupported(format!("${{{name}}} names no field")))?;
        let _ = write!(out, " {path} ");
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Text as element content.
fn text(value: &str) -> String {
    value.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Text as an attribute value (in double quotes).
fn attribute(value: &str) -> String {
    text(value).replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_becomes_the_path_of_its_node_and_an_unknown_one_is_refused() {
        let paths = BTreeMap::from([("Q9", "/data/economic/Q9")]);
        assert_eq!(resolve("${Q9} = 'yes'", &paths).unwrap(), " /data/economic/Q9  = 'yes'");
        assert!(resolve("${Q99} = 'yes'", &paths).is_err());
        assert!(resolve("${Q9 = 'yes'", &paths).is_err());
    }

    #[test]
    fn text_and_attributes_are_escaped() {
        assert_eq!(text("a < b & c > d"), "a &lt; b &amp; c &gt; d");
        assert_eq!(attribute("say \"no\""), "say &quot;no&quot;");
    }
}
