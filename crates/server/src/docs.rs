//! `GET /api/v1/docs`: the API reference, a page drawn by the server from the same OpenAPI
//! document as `/api/v1/openapi.json`: every operation by tag with its parameters, body and
//! responses, then every schema. No script, no font and no file from elsewhere, so it opens on a
//! slow link and offline.

use std::fmt::Write;

use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;
use utoipa::OpenApi;

use crate::openapi::ApiDoc;

/// The page, built once: the document is fixed for a build.
pub async fn page() -> Response {
    static PAGE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let html = PAGE.get_or_init(|| render(&serde_json::to_value(ApiDoc::openapi()).unwrap_or_default()));
    ([(header::CACHE_CONTROL, "public, max-age=3600")], Html(html.as_str())).into_response()
}

/// The page's stylesheet, a file of its own: the content security policy allows no inline style.
pub async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLE)
        .into_response()
}

const METHODS: [&str; 4] = ["get", "post", "put", "delete"];

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:0 1rem;color:#1a1a1a}\
code,pre{font-family:ui-monospace,monospace;font-size:.9em;overflow-wrap:anywhere}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}\
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:start;vertical-align:top;overflow-wrap:anywhere}\
section.op{border-block-start:2px solid #ddd;padding-block:.5rem}.method{font-weight:bold;text-transform:uppercase}\
nav ul{columns:2}@media(max-width:40rem){nav ul{columns:1}}";

/// The whole page.
pub fn render(doc: &Value) -> String {
    let info = &doc["info"];
    let mut out = String::with_capacity(256 * 1024);
    let title = text(&info["title"]);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <link rel=\"stylesheet\" href=\"/api/v1/docs.css\"></head><body><header><h1>{title}</h1><p>{}</p>\
         <p>Version {} · <a href=\"/api/v1/openapi.json\">the OpenAPI document</a>, from which clients can be \
         generated.</p></header>",
        paragraphs(&info["description"]),
        text(&info["version"])
    );
    let operations = operations(doc);
    let mut tags: Vec<&str> = operations.iter().map(|o| o.tag).collect();
    tags.dedup();
    tags.sort_unstable();
    tags.dedup();
    out.push_str("<nav><h2>Operations</h2><ul>");
    for o in &operations {
        let _ = write!(
            out,
            "<li><a href=\"#{id}\"><span class=\"method\">{m}</span> <code>{p}</code></a></li>",
            id = escape(o.id),
            m = o.method,
            p = escape(o.path)
        );
    }
    out.push_str("</ul><p><a href=\"#schemas\">Schemas</a></p></nav><main>");
    for tag in tags {
        let _ = write!(out, "<h2 id=\"tag-{0}\">{0}</h2>", escape(tag));
        for o in operations.iter().filter(|o| o.tag == tag) {
            operation(&mut out, o);
        }
    }
    out.push_str("<h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            let _ = write!(out, "<section id=\"schema-{0}\"><h3><code>{0}</code></h3>", escape(name));
            schema_body(&mut out, schema);
            out.push_str("</section>");
        }
    }
    out.push_str("</main></body></html>");
    out
}

struct Operation<'a> {
    id: &'a str,
    method: &'a str,
    path: &'a str,
    tag: &'a str,
    body: &'a Value,
}

fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            if let Some(body) = item.get(method).filter(|o| o.is_object()) {
                let id = body["operationId"].as_str().unwrap_or("");
                let tag = body["tags"][0].as_str().unwrap_or("other");
                all.push(Operation { id, method, path, tag, body });
            }
        }
    }
    all
}

fn operation(out: &mut String, o: &Operation<'_>) {
    let b = o.body;
    let _ = write!(
        out,
        "<section class=\"op\" id=\"{id}\"><h3><span class=\"method\">{m}</span> <code>{p}</code></h3>\
         <p><code>{id}</code>{auth}</p><p>{summary}</p>",
        id = escape(o.id),
        m = o.method,
        p = escape(o.path),
        auth = if b["security"].is_array() { " · needs a bearer token" } else { " · public" },
        summary = paragraphs(&b["summary"]),
    );
    if let Some(parameters) = b["parameters"].as_array().filter(|p| !p.is_empty()) {
        out.push_str(
            "<table><caption>Parameters</caption><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr>",
        );
        for p in parameters {
            let required = if p["required"].as_bool() == Some(true) { " (required)" } else { "" };
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{required}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                text(&p["name"]),
                text(&p["in"]),
                type_of(&p["schema"]),
                text(&p["description"])
            );
        }
        out.push_str("</table>");
    }
    if let Some(schema) = b["requestBody"]["content"]["application/json"]["schema"].as_object() {
        let _ = write!(out, "<p>Body (JSON): {}</p>", type_of(&Value::Object(schema.clone())));
    }
    out.push_str("<table><caption>Responses</caption><tr><th>status</th><th>meaning</th><th>body</th></tr>");
    for (status, response) in b["responses"].as_object().into_iter().flatten() {
        let schema = &response["content"]["application/json"]["schema"];
        let body = if schema.is_null() { String::new() } else { type_of(schema) };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{body}</td></tr>",
            escape(status),
            text(&response["description"])
        );
    }
    out.push_str("</table></section>");
}

fn schema_body(out: &mut String, schema: &Value) {
    if let Some(d) = schema["description"].as_str() {
        let _ = write!(out, "<p>{}</p>", paragraphs(&Value::String(d.to_string())));
    }
    let Some(properties) = schema["properties"].as_object() else {
        let _ = write!(out, "<p>{}</p>", type_of(schema));
        return;
    };
    let required: Vec<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    out.push_str("<table><tr><th>field</th><th>type</th><th>description</th></tr>");
    for (name, property) in properties {
        let mark = if required.contains(&name.as_str()) { " (required)" } else { "" };
        let _ = write!(
            out,
            "<tr><td><code>{}</code>{mark}</td><td>{}</td><td>{}</td></tr>",
            escape(name),
            type_of(property),
            text(&property["description"])
        );
    }
    out.push_str("</table>");
}

/// A schema in a few words, with links to named schemas.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = escape(reference.rsplit('/').next().unwrap_or(reference));
        return format!("<a href=\"#schema-{name}\"><code>{name}</code></a>");
    }
    for (key, word) in [("oneOf", "one of"), ("anyOf", "any of"), ("allOf", "all of")] {
        if let Some(options) = schema[key].as_array() {
            let parts: Vec<String> = options.iter().map(type_of).collect();
            return format!("{word}: {}", parts.join(" | "));
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        let parts: Vec<String> = values.iter().map(|v| format!("<code>{}</code>", escape(&v.to_string()))).collect();
        return parts.join(" | ");
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let mut words: Vec<String> = types
        .iter()
        .map(|t| match *t {
            "array" => format!("array of {}", type_of(&schema["items"])),
            other => escape(other),
        })
        .collect();
    if words.is_empty() {
        words.push("any".into());
    }
    let mut out = words.join(" or ");
    if let Some(format) = schema["format"].as_str() {
        let _ = write!(out, " ({})", escape(format));
    }
    out
}

/// A text of the document, escaped; empty when absent.
fn text(value: &Value) -> String {
    value.as_str().map(escape).unwrap_or_default()
}

/// A text whose blank lines separate paragraphs.
fn paragraphs(value: &Value) -> String {
    text(value).replace("\n\n", "</p><p>")
}

/// Text made safe inside HTML or XML, in content and in double- or single-quoted attributes.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_and_schema_is_on_the_page_and_nothing_comes_from_elsewhere() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let html = render(&doc);
        let ids: Vec<&str> = operations(&doc).iter().map(|o| o.id).collect();
        assert!(ids.len() > 80, "{}", ids.len());
        for id in ids {
            assert!(html.contains(&format!("<section class=\"op\" id=\"{id}\">")), "{id}");
        }
        for name in doc["components"]["schemas"].as_object().unwrap().keys() {
            assert!(html.contains(&format!("id=\"schema-{name}\"")), "{name}");
        }
        assert!(!html.contains("<script"), "no script");
        for external in ["http://", "https://", "//cdn", "src="] {
            assert!(!html.contains(external), "nothing loaded from elsewhere: {external}");
        }
    }

    #[test]
    fn texts_of_the_document_are_escaped() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        let nullable = serde_json::json!({"type": ["string", "null"], "format": "date"});
        assert_eq!(type_of(&nullable), "string or null (date)");
        let list = serde_json::json!({"type": "array", "items": {"$ref": "#/components/schemas/CaseView"}});
        assert_eq!(type_of(&list), "array of <a href=\"#schema-CaseView\"><code>CaseView</code></a>");
    }
}
