//! A tiny regular-expression matcher for partition `regionRegex` patterns.
//!
//! The partition patterns are short, anchored and simple (`^(us|eu|ap)\-\w+\-\d+$`), so a
//! full regex engine would be dead weight. This matcher supports what such patterns use and
//! a little more: literals, `\`-escapes (`\d`, `\w`, `\s`, their negations and escaped
//! punctuation), `.`, bracket classes with ranges and negation, groups (`(...)`, `(?:...)`)
//! with `|` alternation, the quantifiers `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, and the
//! anchors `^` and `$`. Character classes are ASCII, as in the ECMAScript and Java flavours
//! the partition data is written for.
//!
//! Matching tracks the set of reachable end positions instead of backtracking, so its cost
//! is bounded by the pattern size times the input length squared, whatever the pattern.

use std::collections::BTreeSet;

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    root: Node,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: usize,
        max: Option<usize>,
    },
    Class {
        items: Vec<ClassItem>,
        negated: bool,
    },
    Start,
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClassItem {
    Range(char, char),
    Digit(bool),
    Word(bool),
    Space(bool),
    Any,
}

impl ClassItem {
    fn matches(self, c: char) -> bool {
        match self {
            Self::Range(lo, hi) => lo <= c && c <= hi,
            Self::Digit(want) => c.is_ascii_digit() == want,
            Self::Word(want) => (c.is_ascii_alphanumeric() || c == '_') == want,
            Self::Space(want) => c.is_ascii_whitespace() == want,
            Self::Any => c != '\n',
        }
    }
}

impl Pattern {
    /// Parses `source`, or says why it is not a pattern this matcher understands.
    pub(crate) fn parse(source: &str) -> Result<Self, String> {
        let mut parser = Parser {
            chars: source.chars().collect(),
            pos: 0,
        };
        let root = parser.alternation()?;
        if parser.pos != parser.chars.len() {
            return Err(format!(
                "unbalanced `)` at offset {} of {source:?}",
                parser.pos
            ));
        }
        Ok(Self { root })
    }

    /// Whether the pattern matches anywhere in `text` (anchor with `^`/`$` for a full match).
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        (0..=chars.len()).any(|start| !ends(&self.root, &chars, start).is_empty())
    }
}

/// Every position at which `node`, started at `start`, can stop matching.
fn ends(node: &Node, text: &[char], start: usize) -> BTreeSet<usize> {
    match node {
        Node::Class { items, negated } => match text.get(start) {
            Some(&c) if items.iter().any(|item| item.matches(c)) != *negated => {
                BTreeSet::from([start + 1])
            }
            _ => BTreeSet::new(),
        },
        Node::Start => (start == 0).then_some(start).into_iter().collect(),
        Node::End => (start == text.len()).then_some(start).into_iter().collect(),
        Node::Seq(nodes) => {
            let mut positions = BTreeSet::from([start]);
            for node in nodes {
                positions = positions
                    .iter()
                    .flat_map(|&p| ends(node, text, p))
                    .collect();
                if positions.is_empty() {
                    break;
                }
            }
            positions
        }
        Node::Alt(branches) => branches.iter().flat_map(|b| ends(b, text, start)).collect(),
        Node::Repeat { node, min, max } => {
            let mut result = BTreeSet::new();
            if *min == 0 {
                result.insert(start);
            }
            let mut current = BTreeSet::from([start]);
            let mut count = 0;
            while max.is_none_or(|max| count < max) {
                let mut next: BTreeSet<usize> =
                    current.iter().flat_map(|&p| ends(node, text, p)).collect();
                count += 1;
                if count > *min {
                    // Past the minimum only new positions can lead anywhere new.
                    next.retain(|p| !result.contains(p));
                }
                if next.is_empty() {
                    break;
                }
                if count >= *min {
                    result.extend(next.iter().copied());
                }
                current = next;
            }
            result
        }
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.pos += 1;
        }
        found
    }

    fn alternation(&mut self) -> Result<Node, String> {
        let mut branches = vec![self.sequence()?];
        while self.eat('|') {
            branches.push(self.sequence()?);
        }
        Ok(if branches.len() == 1 {
            branches.remove(0)
        } else {
            Node::Alt(branches)
        })
    }

    fn sequence(&mut self) -> Result<Node, String> {
        let mut nodes = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            nodes.push(self.quantified(atom)?);
        }
        Ok(Node::Seq(nodes))
    }

    fn atom(&mut self) -> Result<Node, String> {
        let at = self.pos;
        let c = self.next().ok_or("unexpected end of pattern")?;
        Ok(match c {
            '^' => Node::Start,
            '$' => Node::End,
            '.' => single(ClassItem::Any),
            '(' => {
                if self.eat('?') && !self.eat(':') {
                    return Err(format!("unsupported group syntax at offset {at}"));
                }
                let inner = self.alternation()?;
                if !self.eat(')') {
                    return Err(format!("unclosed group opened at offset {at}"));
                }
                inner
            }
            '[' => self.class()?,
            '\\' => single(self.escape()?),
            '*' | '+' | '?' | '{' => {
                return Err(format!(
                    "quantifier `{c}` at offset {at} has nothing to repeat"
                ))
            }
            other => literal(other),
        })
    }

    fn escape(&mut self) -> Result<ClassItem, String> {
        let c = self.next().ok_or("pattern ends with `\\`")?;
        Ok(match c {
            'd' | 'D' => ClassItem::Digit(c == 'd'),
            'w' | 'W' => ClassItem::Word(c == 'w'),
            's' | 'S' => ClassItem::Space(c == 's'),
            'n' => ClassItem::Range('\n', '\n'),
            't' => ClassItem::Range('\t', '\t'),
            c if c.is_ascii_alphanumeric() => return Err(format!("unsupported escape `\\{c}`")),
            c => ClassItem::Range(c, c),
        })
    }

    fn class(&mut self) -> Result<Node, String> {
        let negated = self.eat('^');
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let c = self.next().ok_or("unclosed `[`")?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let item = if c == '\\' {
                self.escape()?
            } else {
                ClassItem::Range(c, c)
            };
            let ClassItem::Range(lo, _) = item else {
                items.push(item);
                continue;
            };
            // A range `a-z`; a `-` before `]` is a literal.
            if self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|&n| n != ']') {
                self.pos += 1;
                let hi = match self.next().ok_or("unclosed `[`")? {
                    '\\' => match self.escape()? {
                        ClassItem::Range(hi, _) => hi,
                        _ => return Err("a class shorthand cannot end a range".into()),
                    },
                    hi => hi,
                };
                if hi < lo {
                    return Err(format!("range `{lo}-{hi}` is out of order"));
                }
                items.push(ClassItem::Range(lo, hi));
            } else {
                items.push(item);
            }
        }
        Ok(Node::Class { items, negated })
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                self.pos += 1;
                let min = self.number()?;
                let max = if self.eat(',') {
                    if self.peek() == Some('}') {
                        None
                    } else {
                        Some(self.number()?)
                    }
                } else {
                    Some(min)
                };
                if !self.eat('}') {
                    return Err("unclosed `{` quantifier".into());
                }
                if max.is_some_and(|max| max < min) {
                    return Err(format!("quantifier {{{min},..}} has max below min"));
                }
                return Ok(Node::Repeat {
                    node: Box::new(atom),
                    min,
                    max,
                });
            }
            _ => return Ok(atom),
        };
        self.pos += 1;
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
        })
    }

    fn number(&mut self) -> Result<usize, String> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let digits: String = self.chars[start..self.pos].iter().collect();
        digits
            .parse()
            .map_err(|_| format!("expected a number at offset {start}"))
    }
}

fn single(item: ClassItem) -> Node {
    Node::Class {
        items: vec![item],
        negated: false,
    }
}

fn literal(c: char) -> Node {
    single(ClassItem::Range(c, c))
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    fn matches(pattern: &str, text: &str) -> bool {
        Pattern::parse(pattern)
            .unwrap_or_else(|e| panic!("{pattern}: {e}"))
            .is_match(text)
    }

    #[test]
    fn partition_style_patterns() {
        let aws = r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$";
        assert!(matches(aws, "us-east-1"));
        assert!(matches(aws, "mx-central-12"));
        assert!(matches(aws, "eu-a_b-1"));
        assert!(!matches(aws, "us-iso-east-1"));
        assert!(!matches(aws, "us-east-1a"));
        assert!(!matches(aws, "xus-east-1"));
        assert!(!matches(aws, "us-east-"));
        assert!(!matches(aws, "cn-north-1"));
        assert!(!matches(aws, "aws-global"));
        assert!(!matches(aws, ""));
        let eusc = r"^eusc\-(de)\-\w+\-\d+$";
        assert!(matches(eusc, "eusc-de-east-1"));
        assert!(!matches(eusc, "eusc-fr-east-1"));
    }

    #[test]
    fn general_features() {
        assert!(matches("b+", "abbbc"));
        assert!(!matches("^b+", "abbbc"));
        assert!(matches("^a(?:b|cd)*e?$", "abcdbb"));
        assert!(matches("^[a-c0-9_-]{2,3}$", "a-9"));
        assert!(!matches("^[a-c0-9_-]{2,3}$", "a-9b"));
        assert!(!matches("^[^a-c]$", "b"));
        assert!(matches("^[^a-c]$", "z"));
        assert!(matches(r"^\W\S\D$", "-x_"));
        assert!(matches("^a.c$", "abc"));
        assert!(matches(r"^a\.c$", "a.c"));
        assert!(!matches(r"^a\.c$", "abc"));
        assert!(matches("^(a*)*$", "aaaa"));
        assert!(matches("^x{3}$", "xxx"));
        assert!(matches("^x{2,}$", "xxxxx"));
        assert!(!matches("^x{2,}$", "x"));
        assert!(matches("^(|a)b$", "b"));
    }

    #[test]
    fn rejects_malformed_patterns() {
        for bad in [
            "(a", "a)", "[a", "*a", r"\q", "a{2", "a{3,1}", "[z-a]", "(?=a)",
        ] {
            assert!(Pattern::parse(bad).is_err(), "{bad} should not parse");
        }
    }
}
