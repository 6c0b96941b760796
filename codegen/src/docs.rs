//! Converts the HTML of `smithy.api#documentation` into Markdown that rustdoc renders without
//! warnings (no broken intra-doc links, no bare URLs, no stray HTML tags).

/// Converts model documentation (HTML or plain text) to Markdown lines.
pub fn html_to_markdown(html: &str) -> Vec<String> {
    let mut out = Writer::default();
    let mut rest = html;
    let mut list_depth = 0usize;
    let mut link: Option<(String, usize)> = None;
    while !rest.is_empty() {
        let is_tag = rest.starts_with('<')
            && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
        if let Some(after) = rest.strip_prefix('<').filter(|_| is_tag) {
            let Some(end) = after.find('>') else {
                out.text(rest);
                break;
            };
            let tag = &after[..end];
            rest = &after[end + 1..];
            let closing = tag.starts_with('/');
            let body = tag.trim_start_matches('/').trim_end_matches('/').trim();
            let name: String = body
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            match (name.as_str(), closing) {
                ("p" | "div" | "dl", _) => out.paragraph(),
                ("br", _) => out.newline(),
                ("code" | "tt" | "pre", _) => out.code_toggle(),
                ("b" | "strong", _) => out.raw("**"),
                ("i" | "em" | "dfn", _) => out.raw("*"),
                ("ul" | "ol", false) => {
                    list_depth += 1;
                    out.paragraph();
                }
                ("ul" | "ol", true) => {
                    list_depth = list_depth.saturating_sub(1);
                    out.paragraph();
                }
                ("li", false) => {
                    out.newline();
                    out.raw(&format!("{}- ", "  ".repeat(list_depth.saturating_sub(1))));
                }
                ("note" | "important", false) => {
                    out.paragraph();
                    out.raw(if name == "note" {
                        "**Note:** "
                    } else {
                        "**Important:** "
                    });
                }
                ("note" | "important", true) => out.paragraph(),
                ("h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "dt", _) => {
                    out.paragraph();
                    out.raw("**");
                    if closing {
                        out.paragraph();
                    }
                }
                ("a", false) => {
                    let href = attribute(body, "href")
                        .filter(|h| h.starts_with("http://") || h.starts_with("https://"));
                    if let Some(h) = href {
                        out.raw("[");
                        link = Some((h, out.buf.len()));
                    }
                }
                ("a", true) => {
                    if let Some((href, start)) = link.take() {
                        if out.buf.len() == start {
                            out.raw(&escape(&href));
                        }
                        out.raw(&format!("]({href})"));
                    }
                }
                _ => {}
            }
        } else {
            // A lone `<` that starts no tag is text.
            let skip = usize::from(rest.starts_with('<'));
            let end = rest[skip..].find('<').map_or(rest.len(), |i| i + skip);
            out.text(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out.finish()
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let pos = tag.find(&format!("{name}="))?;
    let value = &tag[pos + name.len() + 1..];
    let quote = value.chars().next()?;
    if quote == '"' || quote == '\'' {
        value[1..]
            .split(quote)
            .next()
            .map(|v| decode_entities(v.trim()))
    } else {
        value.split_whitespace().next().map(decode_entities)
    }
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Escapes what Markdown or rustdoc would misread in plain text.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '`' => out.push('\''),
            '\\' => out.push_str("\\\\"),
            '*' => out.push_str("\\*"),
            '_' => out.push_str("\\_"),
            '#' => out.push_str("\\#"),
            '|' => out.push_str("\\|"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Default)]
struct Writer {
    buf: String,
    in_code: bool,
    /// A list bullet was just written: paragraph breaks before its text are dropped.
    bullet_open: bool,
}

impl Writer {
    fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
        self.bullet_open = s.ends_with("- ");
    }

    fn text(&mut self, s: &str) {
        if s.trim().is_empty() && self.bullet_open {
            return;
        }
        self.bullet_open = false;
        let decoded = decode_entities(s);
        let collapsed: String = {
            let mut c = String::with_capacity(decoded.len());
            let mut last_space = self.buf.ends_with([' ', '\n']) || self.buf.is_empty();
            for ch in decoded.chars() {
                if ch.is_whitespace() {
                    if !last_space {
                        c.push(' ');
                        last_space = true;
                    }
                } else {
                    c.push(ch);
                    last_space = false;
                }
            }
            c
        };
        if self.in_code {
            self.buf.push_str(&collapsed.replace('`', "'"));
        } else {
            for word in split_keep_spaces(&collapsed) {
                if word.starts_with("http://") || word.starts_with("https://") {
                    let trimmed = word.trim_end_matches(['.', ',', ')', ';']);
                    self.buf.push('<');
                    self.buf.push_str(trimmed);
                    self.buf.push('>');
                    self.buf.push_str(&escape(&word[trimmed.len()..]));
                } else {
                    self.buf.push_str(&escape(word));
                }
            }
        }
    }

    fn code_toggle(&mut self) {
        if self.in_code {
            // An empty code span renders as literal backticks; drop it instead.
            if self.buf.ends_with('`') {
                self.buf.pop();
            } else {
                while self.buf.ends_with(' ') {
                    self.buf.pop();
                }
                self.buf.push('`');
            }
        } else {
            self.buf.push('`');
        }
        self.in_code = !self.in_code;
    }

    fn newline(&mut self) {
        if !self.bullet_open {
            self.buf.push('\n');
        }
    }

    fn paragraph(&mut self) {
        if !self.bullet_open {
            self.buf.push_str("\n\n");
        }
    }

    fn finish(mut self) -> Vec<String> {
        if self.in_code {
            self.code_toggle();
        }
        let mut lines: Vec<String> = Vec::new();
        for line in self.buf.lines() {
            let line = line.trim();
            if line.is_empty() {
                if lines.last().is_some_and(|l| !l.is_empty()) {
                    lines.push(String::new());
                }
            } else if line.chars().all(|c| c == '*' || c == ' ') {
                continue;
            } else {
                lines.push(line.to_string());
            }
        }
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        lines
    }
}

fn split_keep_spaces(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c == ' ' {
            if start < i {
                parts.push(&s[start..i]);
            }
            parts.push(&s[i..i + 1]);
            start = i + 1;
        }
    }
    if start < s.len() {
        parts.push(&s[start..]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::html_to_markdown;

    #[test]
    fn paragraphs_code_and_links() {
        let md = html_to_markdown("<p>Use <code>Foo</code> [or] <a href=\"https://example.com/x\">the docs</a>.</p><p>Second &amp; last.</p>");
        assert_eq!(
            md,
            vec![
                "Use `Foo` \\[or\\] [the docs](https://example.com/x).",
                "",
                "Second & last."
            ]
        );
    }

    #[test]
    fn lists_and_notes() {
        let md = html_to_markdown(
            "<p>Values:</p><ul><li><p>a_b</p></li><li>c</li></ul><note>Careful</note>",
        );
        assert_eq!(
            md,
            vec!["Values:", "", "- a\\_b", "", "- c", "", "**Note:** Careful"]
        );
    }

    #[test]
    fn bare_urls_and_stray_tags() {
        let md = html_to_markdown("See https://aws.amazon.com/x. a < b and <unknown>x</unknown>");
        assert_eq!(md, vec!["See <https://aws.amazon.com/x>. a &lt; b and x"]);
    }

    #[test]
    fn plain_text_passes() {
        assert_eq!(
            html_to_markdown("Just text\n   wrapped"),
            vec!["Just text wrapped"]
        );
    }
}
