//! The lexer: template text to tokens, with Go's exact token boundaries,
//! trim-marker rules and error texts.
//!
//! It is a pull lexer: the parser asks for one token at a time, so lexing
//! stops at the first parse error and nothing is buffered. Token values are
//! byte ranges into the source (no allocation per token); the only owned
//! string is the message of the (single) error token, after which the lexer
//! only returns end-of-input, as Go's lexer does.
//!
//! Behaviour follows Go 1.24's `text/template/parse` lexer: `{{- ` trims
//! the ASCII whitespace before the action and ` -}}` the whitespace after
//! it, but only when the marker is separated by a space, tab, CR or LF
//! (`{{-3}}` is the number -3); comments `{{/* */}}` must close right at
//! the delimiter; numbers are scanned loosely and validated by the parser
//! (see [`literal`]).

pub(crate) mod literal;

use std::fmt::Write as _;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A lexical error; the message is [`Lexer::error_message`].
    Error,
    Bool,
    /// A printable ASCII character with no other meaning (`,` among others).
    Char,
    CharConstant,
    Comment,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl Kind {
    /// Keywords print as `<word>` in "unexpected" messages.
    pub(crate) fn is_keyword(self) -> bool {
        matches!(
            self,
            Kind::Block
                | Kind::Break
                | Kind::Continue
                | Kind::Dot
                | Kind::Define
                | Kind::Else
                | Kind::End
                | Kind::If
                | Kind::Nil
                | Kind::Range
                | Kind::Template
                | Kind::With
        )
    }
}

/// One token: its kind, its byte range in the source and the line its
/// first byte is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    pub(crate) pos: usize,
    pub(crate) end: usize,
    pub(crate) line: usize,
}

const LEFT_DELIM: &str = "{{";
const RIGHT_DELIM: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";

/// The tokenizer over one template text.
#[derive(Debug)]
pub(crate) struct Lexer<'a> {
    input: &'a str,
    /// Current position.
    pos: usize,
    /// Start of the token being scanned.
    start: usize,
    inside_action: bool,
    paren_depth: i64,
    /// Whether `break` / `continue` are keywords (they are not when a
    /// function of that name exists).
    break_ok: bool,
    continue_ok: bool,
    /// Set once an error token was returned; the lexer then only returns
    /// end-of-input.
    error: Option<String>,
    /// Line bookkeeping: the line of byte `line_pos`. Tokens are produced
    /// at non-decreasing positions, so counting forward keeps this linear.
    line_pos: usize,
    line: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(input: &'a str, break_ok: bool, continue_ok: bool) -> Lexer<'a> {
        Lexer {
            input,
            pos: 0,
            start: 0,
            inside_action: false,
            paren_depth: 0,
            break_ok,
            continue_ok,
            error: None,
            line_pos: 0,
            line: 1,
        }
    }

    /// The message of the error token, once one was returned.
    pub(crate) fn error_message(&self) -> &str {
        self.error.as_deref().unwrap_or("")
    }

    /// The text of a token.
    pub(crate) fn text(&self, tok: &Token) -> &'a str {
        self.input.get(tok.pos..tok.end).unwrap_or("")
    }

    /// The 1-based line of a byte offset.
    fn line_at(&mut self, pos: usize) -> usize {
        let pos = pos.min(self.input.len());
        let bytes = self.input.as_bytes();
        if pos >= self.line_pos {
            let added = bytes.get(self.line_pos..pos).map_or(0, count_newlines);
            self.line += added;
        } else {
            let removed = bytes.get(pos..self.line_pos).map_or(0, count_newlines);
            self.line -= removed.min(self.line - 1);
        }
        self.line_pos = pos;
        self.line
    }

    fn token(&mut self, kind: Kind, pos: usize, end: usize) -> Token {
        let line = self.line_at(pos);
        Token {
            kind,
            pos,
            end,
            line,
        }
    }

    /// Emits the pending input `start..pos` as a token.
    fn emit(&mut self, kind: Kind) -> Token {
        let tok = self.token(kind, self.start, self.pos);
        self.start = self.pos;
        tok
    }

    fn errorf(&mut self, message: String) -> Token {
        let tok = self.token(Kind::Error, self.start, self.start);
        self.error = Some(message);
        self.pos = self.input.len();
        self.start = self.pos;
        tok
    }

    fn rest_before(&self) -> &'a str {
        self.input.get(..self.pos).unwrap_or("")
    }

    fn rest(&self) -> &'a str {
        self.input.get(self.pos..).unwrap_or("")
    }

    fn peek_char(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.peek_char() {
            Some(c) if valid.contains(c) => {
                self.pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }

    /// Returns the next token.
    pub(crate) fn next_token(&mut self) -> Token {
        if self.error.is_some() {
            let end = self.input.len();
            return self.token(Kind::Eof, end, end);
        }
        if self.inside_action {
            self.lex_inside_action()
        } else {
            self.lex_text()
        }
    }

    /// Text up to the next `{{`, or the left delimiter itself.
    fn lex_text(&mut self) -> Token {
        let Some(x) = self.rest().find(LEFT_DELIM) else {
            self.pos = self.input.len();
            if self.pos > self.start {
                return self.emit(Kind::Text);
            }
            return self.emit(Kind::Eof);
        };
        let delim = self.pos + x;
        if delim > self.start {
            let after = self.input.get(delim + LEFT_DELIM.len()..).unwrap_or("");
            let text = self.input.get(self.start..delim).unwrap_or("");
            let text_end = if has_left_trim_marker(after) {
                self.start + trim_end_len(text)
            } else {
                delim
            };
            let tok = self.token(Kind::Text, self.start, text_end);
            self.pos = delim;
            self.start = delim;
            if text_end > tok.pos {
                return tok;
            }
        }
        self.lex_left_delim()
    }

    /// At `{{`: an action or a comment.
    fn lex_left_delim(&mut self) -> Token {
        let delim = self.pos;
        self.pos += LEFT_DELIM.len();
        let after_marker = if has_left_trim_marker(self.rest()) {
            self.pos + 2
        } else {
            self.pos
        };
        if self
            .input
            .get(after_marker..)
            .is_some_and(|s| s.starts_with(LEFT_COMMENT))
        {
            self.pos = after_marker;
            self.start = after_marker;
            return self.lex_comment();
        }
        let tok = self.token(Kind::LeftDelim, delim, delim + LEFT_DELIM.len());
        self.inside_action = true;
        self.pos = after_marker;
        self.start = after_marker;
        self.paren_depth = 0;
        tok
    }

    /// At `/*` after `{{`: the comment must end right at the delimiter.
    fn lex_comment(&mut self) -> Token {
        let body = self.pos + LEFT_COMMENT.len();
        let Some(x) = self.input.get(body..).and_then(|s| s.find(RIGHT_COMMENT)) else {
            return self.errorf("unclosed comment".into());
        };
        self.pos = body + x + RIGHT_COMMENT.len();
        let Some(trim) = self.at_right_delim() else {
            return self.errorf("comment ends before closing delimiter".into());
        };
        let tok = self.emit(Kind::Comment);
        self.skip_right_delim(trim);
        tok
    }

    /// Consumes `}}` (or ` -}}`) and, after a trim marker, the whitespace
    /// that follows.
    fn skip_right_delim(&mut self, trim: bool) {
        if trim {
            self.pos += 2;
        }
        self.pos += RIGHT_DELIM.len();
        if trim {
            self.pos += self.rest().len() - self.rest().trim_start_matches(is_space).len();
        }
        self.start = self.pos;
    }

    /// `Some(trim)` when the input is at a right delimiter, possibly
    /// preceded by a trim marker.
    fn at_right_delim(&self) -> Option<bool> {
        let rest = self.rest();
        if has_right_trim_marker(rest) && rest.get(2..).is_some_and(|s| s.starts_with(RIGHT_DELIM))
        {
            return Some(true);
        }
        rest.starts_with(RIGHT_DELIM).then_some(false)
    }

    fn lex_right_delim(&mut self) -> Token {
        let trim = self.at_right_delim().unwrap_or(false);
        let delim = self.pos + if trim { 2 } else { 0 };
        let tok = self.token(Kind::RightDelim, delim, delim + RIGHT_DELIM.len());
        self.skip_right_delim(trim);
        self.inside_action = false;
        tok
    }

    fn lex_inside_action(&mut self) -> Token {
        if self.at_right_delim().is_some() {
            if self.paren_depth == 0 {
                return self.lex_right_delim();
            }
            return self.errorf("unclosed left paren".into());
        }
        let Some(c) = self.next_char() else {
            return self.errorf("unclosed action".into());
        };
        match c {
            c if is_space(c) => {
                self.pos -= c.len_utf8();
                self.lex_space()
            }
            '=' => self.emit(Kind::Assign),
            ':' => {
                if self.next_char() != Some('=') {
                    return self.errorf("expected :=".into());
                }
                self.emit(Kind::Declare)
            }
            '|' => self.emit(Kind::Pipe),
            '"' => self.lex_quote(),
            '`' => self.lex_raw_quote(),
            '$' => self.lex_variable(),
            '\'' => self.lex_char(),
            '.' if !self
                .rest()
                .as_bytes()
                .first()
                .is_some_and(u8::is_ascii_digit)
                && !self.rest().is_empty() =>
            {
                self.lex_field_or_variable(Kind::Field)
            }
            '.' | '+' | '-' | '0'..='9' => {
                self.pos -= 1;
                self.lex_number()
            }
            c if is_alphanumeric(c) => {
                self.pos -= c.len_utf8();
                self.lex_identifier()
            }
            '(' => {
                self.paren_depth += 1;
                self.emit(Kind::LeftParen)
            }
            ')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.errorf("unexpected right paren".into());
                }
                self.emit(Kind::RightParen)
            }
            ' '..='~' => self.emit(Kind::Char),
            c => self.errorf(format!("unrecognized character in action: {}", GoRune(c))),
        }
    }

    /// A run of spaces; a trim-marked right delimiter keeps its space.
    fn lex_space(&mut self) -> Token {
        let mut count = 0;
        while let Some(c) = self.peek_char().filter(|&c| is_space(c)) {
            self.pos += c.len_utf8();
            count += 1;
        }
        // The last space may belong to " -}}".
        let last = self.pos - 1;
        let from_last = self.input.get(last..).unwrap_or("");
        if has_right_trim_marker(from_last)
            && from_last
                .get(2..)
                .is_some_and(|s| s.starts_with(RIGHT_DELIM))
        {
            self.pos = last;
            if count == 1 {
                return self.lex_right_delim();
            }
        }
        self.emit(Kind::Space)
    }

    fn lex_identifier(&mut self) -> Token {
        while self.peek_char().is_some_and(is_alphanumeric) {
            self.next_char();
        }
        if !self.at_terminator() {
            return self.bad_character();
        }
        let word = self.input.get(self.start..self.pos).unwrap_or("");
        let kind = match word {
            "block" => Kind::Block,
            "break" if self.break_ok => Kind::Break,
            "continue" if self.continue_ok => Kind::Continue,
            "define" => Kind::Define,
            "else" => Kind::Else,
            "end" => Kind::End,
            "if" => Kind::If,
            "range" => Kind::Range,
            "nil" => Kind::Nil,
            "template" => Kind::Template,
            "with" => Kind::With,
            "true" | "false" => Kind::Bool,
            _ => Kind::Identifier,
        };
        self.emit(kind)
    }

    fn bad_character(&mut self) -> Token {
        let c = self.peek_char().unwrap_or('\u{fffd}');
        self.errorf(format!("bad character {}", GoRune(c)))
    }

    /// After `$`.
    fn lex_variable(&mut self) -> Token {
        if self.at_terminator() {
            return self.emit(Kind::Variable);
        }
        self.lex_field_or_variable(Kind::Variable)
    }

    /// After `.` or `$`: `.` alone is dot, `$` alone is the variable `$`.
    fn lex_field_or_variable(&mut self, kind: Kind) -> Token {
        if self.at_terminator() {
            return self.emit(if kind == Kind::Variable {
                Kind::Variable
            } else {
                Kind::Dot
            });
        }
        while self.peek_char().is_some_and(is_alphanumeric) {
            self.next_char();
        }
        if !self.at_terminator() {
            return self.bad_character();
        }
        self.emit(kind)
    }

    /// Whether the input is at a character that may follow an identifier.
    fn at_terminator(&self) -> bool {
        match self.peek_char() {
            None => true,
            Some(c) if is_space(c) => true,
            Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            Some(_) => self.rest().starts_with(RIGHT_DELIM),
        }
    }

    /// After `'`: syntax is checked by the parser.
    fn lex_char(&mut self) -> Token {
        loop {
            match self.next_char() {
                Some('\\') => match self.next_char() {
                    None | Some('\n') => {
                        return self.errorf("unterminated character constant".into());
                    }
                    Some(_) => {}
                },
                None | Some('\n') => return self.errorf("unterminated character constant".into()),
                Some('\'') => return self.emit(Kind::CharConstant),
                Some(_) => {}
            }
        }
    }

    fn lex_quote(&mut self) -> Token {
        loop {
            match self.next_char() {
                Some('\\') => match self.next_char() {
                    None | Some('\n') => return self.errorf("unterminated quoted string".into()),
                    Some(_) => {}
                },
                None | Some('\n') => return self.errorf("unterminated quoted string".into()),
                Some('"') => return self.emit(Kind::String),
                Some(_) => {}
            }
        }
    }

    fn lex_raw_quote(&mut self) -> Token {
        match self.rest().find('`') {
            Some(x) => {
                self.pos += x + 1;
                self.emit(Kind::RawString)
            }
            None => {
                self.pos = self.input.len();
                self.errorf("unterminated raw quoted string".into())
            }
        }
    }

    /// A number, loosely: the parser validates it.
    fn lex_number(&mut self) -> Token {
        if !self.scan_number() {
            return self.bad_number();
        }
        if matches!(self.peek_char(), Some('+' | '-')) {
            // Complex: 1+2i, no spaces, must end in 'i'.
            if !self.scan_number() || !self.rest_before().ends_with('i') {
                return self.bad_number();
            }
            return self.emit(Kind::Complex);
        }
        self.emit(Kind::Number)
    }

    fn bad_number(&mut self) -> Token {
        let text = self.input.get(self.start..self.pos).unwrap_or("");
        let mut msg = String::from("bad number syntax: ");
        crate::print::write_go_quoted(&mut msg, text);
        self.errorf(msg)
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            // A leading 0 does not mean octal in floats.
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if self.peek_char().is_some_and(is_alphanumeric) {
            self.next_char();
            return false;
        }
        true
    }
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// Go's template space characters.
pub(crate) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Letters, digits and underscore. Go uses Unicode letter and decimal-digit
/// categories; Rust's `is_alphabetic` / `is_numeric` are slightly wider
/// outside ASCII.
pub(crate) fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

fn has_left_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(char::from(b[1]))
}

fn has_right_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_space(char::from(b[0])) && b[1] == b'-'
}

/// Length of `text` without its trailing whitespace, i.e. where trimming
/// for `{{- ` ends the text.
fn trim_end_len(text: &str) -> usize {
    text.trim_end_matches(is_space).len()
}

/// A rune as Go's `%#U` prints it: `U+0041 'A'`, or `U+0001` when not
/// printable.
pub(crate) struct GoRune(pub(crate) char);

impl std::fmt::Display for GoRune {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = self.0;
        write!(f, "U+{:04X}", u32::from(c))?;
        if crate::format::is_print(c) {
            f.write_str(" '")?;
            f.write_char(c)?;
            f.write_char('\'')?;
        }
        Ok(())
    }
}
