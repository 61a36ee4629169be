//! Go's choice of layout for each kind of value and verb (`fmt`'s
//! `print.go`): operands at the top level, elements of lists and maps, and
//! the `%!verb(type=value)` marker for a verb that does not apply.

use super::float::FloatFormat;
use super::printer::Printer;
use crate::value::Value;

/// How deep lists and maps are printed; deeper values print as `...` so a
/// pathological value cannot exhaust the stack.
const MAX_DEPTH: usize = 1000;

impl Printer<'_> {
    // ----- verbs by kind (false: the verb does not apply) -------------------

    fn integer_verb(&mut self, u: u64, signed: bool, verb: char) -> bool {
        match verb {
            'v' if self.f.sharp_v && !signed => self.fmt_0x64(u, true),
            'v' | 'd' => self.fmt_integer(u, 10, signed, verb, false),
            'b' => self.fmt_integer(u, 2, signed, verb, false),
            'o' | 'O' => self.fmt_integer(u, 8, signed, verb, false),
            'x' => self.fmt_integer(u, 16, signed, verb, false),
            'X' => self.fmt_integer(u, 16, signed, verb, true),
            'c' => self.fmt_c(u),
            'q' => self.fmt_qc(u),
            'U' => self.fmt_unicode(u),
            _ => return false,
        }
        true
    }

    fn float_verb(&mut self, v: f64, verb: char) -> bool {
        let (format, strconv_verb, prec) = match verb {
            'v' => (FloatFormat::General, 'g', None),
            'g' => (FloatFormat::General, 'g', None),
            'G' => (FloatFormat::GeneralUpper, 'G', None),
            'b' => (FloatFormat::Binary, 'b', None),
            'x' => (FloatFormat::Hex, 'x', None),
            'X' => (FloatFormat::HexUpper, 'X', None),
            'f' | 'F' => (FloatFormat::Fixed, 'f', Some(6)),
            'e' => (FloatFormat::Exp, 'e', Some(6)),
            'E' => (FloatFormat::ExpUpper, 'E', Some(6)),
            _ => return false,
        };
        self.fmt_float(v, format, strconv_verb, prec);
        true
    }

    fn string_verb(&mut self, s: &str, verb: char) -> bool {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s.as_bytes()),
            'v' | 's' => self.fmt_s(s),
            'x' => self.fmt_sbx(s.as_bytes(), false),
            'X' => self.fmt_sbx(s.as_bytes(), true),
            'q' => self.fmt_q(s.as_bytes()),
            _ => return false,
        }
        true
    }

    /// A byte slice; `type_name` is how `%#v` names it (`[]byte` for an
    /// operand, `[]uint8` inside a list).
    fn bytes_verb(&mut self, b: &[u8], verb: char, type_name: &str) {
        match verb {
            'v' | 'd' if self.f.sharp_v => {
                self.out.push_str(type_name);
                self.out.push('{');
                for (i, &c) in b.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.fmt_0x64(u64::from(c), true);
                }
                self.out.push('}');
            }
            's' => self.fmt_bs(b),
            'x' => self.fmt_sbx(b, false),
            'X' => self.fmt_sbx(b, true),
            'q' => self.fmt_q(b),
            _ => {
                // Any other verb applies to each byte as a uint8.
                self.out.push('[');
                for (i, &c) in b.iter().enumerate() {
                    if i > 0 {
                        self.out.push(' ');
                    }
                    if !self.integer_verb(u64::from(c), false, verb) {
                        self.bad_verb_head(verb);
                        self.out.push_str("uint8=");
                        self.integer_verb(u64::from(c), false, 'v');
                        self.out.push(')');
                    }
                }
                self.out.push(']');
            }
        }
    }

    fn bad_verb_head(&mut self, verb: char) {
        self.out.push_str("%!");
        self.out.push(verb);
        self.out.push('(');
    }

    /// `%!verb(type=value)`, the value printed with `%v` and the current
    /// flags, as Go does.
    fn bad_verb(&mut self, verb: char, v: &Value) {
        self.bad_verb_head(verb);
        if let Value::Nil = v {
            self.out.push_str("<nil>");
        } else {
            self.out.push_str(&v.go_type_name());
            self.out.push('=');
            self.print_arg(v, 'v');
        }
        self.out.push(')');
    }

    // ----- operands ---------------------------------------------------------

    /// Prints one operand of `Sprintf` (or `Sprint` with `v`).
    pub(super) fn print_arg(&mut self, v: &Value, verb: char) {
        match (v, verb) {
            (Value::Nil, 'T' | 'v') => self.padded(|out| out.push_str("<nil>")),
            (Value::Nil, _) => self.bad_verb(verb, v),
            (_, 'T') => self.fmt_s(&v.go_type_name()),
            (_, 'p') => self.fmt_pointer(v),
            (Value::Bytes(b), _) => self.bytes_verb(b, verb, "[]byte"),
            _ => self.print_value(v, verb, 0),
        }
    }

    fn fmt_pointer(&mut self, v: &Value) {
        let addr = match v {
            Value::List(l) => std::sync::Arc::as_ptr(l) as *const () as usize,
            Value::Map(m) => m.addr(),
            Value::Bytes(b) => b.as_ptr() as usize,
            Value::Object(o) => std::sync::Arc::as_ptr(o) as *const () as usize,
            _ => return self.bad_verb('p', v),
        };
        let sharp = self.f.sharp;
        self.fmt_0x64(addr as u64, !sharp);
    }

    /// Prints a value found at `depth` inside lists and maps (0 for an
    /// operand that is itself a list or map).
    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        if depth > MAX_DEPTH {
            self.out.push_str("...");
            return;
        }
        let ok = match v {
            // A nil element of a list or map.
            Value::Nil => {
                self.out.push_str(if self.f.sharp_v {
                    "interface {}(nil)"
                } else {
                    "<nil>"
                });
                true
            }
            Value::Bool(b) => {
                matches!(verb, 't' | 'v') && {
                    self.fmt_boolean(*b);
                    true
                }
            }
            Value::Int(i) | Value::Int64(i) => self.integer_verb(*i as u64, true, verb),
            Value::Float(x) => self.float_verb(*x, verb),
            Value::String(s) => self.string_verb(s, verb),
            Value::Bytes(b) => {
                self.bytes_verb(b, verb, "[]uint8");
                true
            }
            Value::List(items) => {
                if self.f.sharp_v {
                    self.out.push_str("[]interface {}{");
                } else {
                    self.out.push('[');
                }
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(if self.f.sharp_v { ", " } else { " " });
                    }
                    self.print_value(item, verb, depth + 1);
                }
                self.out.push(if self.f.sharp_v { '}' } else { ']' });
                true
            }
            Value::Map(map) => {
                let map = map.snapshot();
                self.out.push_str(if self.f.sharp_v {
                    "map[string]interface {}{"
                } else {
                    "map["
                });
                for (i, (key, item)) in map.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(if self.f.sharp_v { ", " } else { " " });
                    }
                    if !self.string_verb(key, verb) {
                        self.bad_verb_head(verb);
                        self.out.push_str("string=");
                        self.string_verb(key, 'v');
                        self.out.push(')');
                    }
                    self.out.push(':');
                    self.print_value(item, verb, depth + 1);
                }
                self.out.push(if self.f.sharp_v { '}' } else { ']' });
                true
            }
            Value::Object(o) => {
                let text = o.go_format();
                match verb {
                    'v' | 's' => self.fmt_s(&text),
                    'x' => self.fmt_sbx(text.as_bytes(), false),
                    'X' => self.fmt_sbx(text.as_bytes(), true),
                    'q' => self.fmt_q(text.as_bytes()),
                    _ => {
                        self.bad_verb_head(verb);
                        self.out.push_str(o.type_name());
                        self.out.push('=');
                        self.fmt_s(&text);
                        self.out.push(')');
                    }
                }
                true
            }
        };
        if !ok {
            self.bad_verb(verb, v);
        }
    }
}
