//! Sprig's arithmetic. Integer functions convert every operand with
//! `cast.ToInt64` and wrap around like Go's `int64`; the `*f` functions go
//! through shopspring/decimal (exact decimal sums and products, quotients
//! rounded to 16 places), which is why `addf 1.1 2.2` prints `3.3`.

use capstan_gotmpl::{FuncError, Value};

use super::conv::{to_float64, to_int64};
use super::{ANY, F64, INT, Registry, arg, arg_int, fail};

pub(super) fn register(r: &mut Registry) {
    r.fixed("add1", &[ANY], |a| {
        Ok(Value::Int64(to_int64(arg(a, 0)).wrapping_add(1)))
    });
    r.variadic("add", &[], ANY, |a| {
        Ok(Value::Int64(
            a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v))),
        ))
    });
    r.fixed("sub", &[ANY, ANY], |a| {
        Ok(Value::Int64(
            to_int64(arg(a, 0)).wrapping_sub(to_int64(arg(a, 1))),
        ))
    });
    r.fixed("div", &[ANY, ANY], |a| {
        let (x, y) = (to_int64(arg(a, 0)), to_int64(arg(a, 1)));
        if y == 0 {
            return Err(fail("runtime error: integer divide by zero"));
        }
        Ok(Value::Int64(x.wrapping_div(y)))
    });
    r.fixed("mod", &[ANY, ANY], |a| {
        let (x, y) = (to_int64(arg(a, 0)), to_int64(arg(a, 1)));
        if y == 0 {
            return Err(fail("runtime error: integer divide by zero"));
        }
        Ok(Value::Int64(x.wrapping_rem(y)))
    });
    r.variadic("mul", &[ANY], ANY, |a| {
        let first = to_int64(arg(a, 0));
        Ok(Value::Int64(
            a.iter()
                .skip(1)
                .fold(first, |acc, v| acc.wrapping_mul(to_int64(v))),
        ))
    });
    for name in ["max", "biggest"] {
        r.variadic(name, &[ANY], ANY, |a| {
            Ok(Value::Int64(a.iter().map(to_int64).max().unwrap_or(0)))
        });
    }
    r.variadic("min", &[ANY], ANY, |a| {
        Ok(Value::Int64(a.iter().map(to_int64).min().unwrap_or(0)))
    });
    r.variadic("maxf", &[ANY], ANY, |a| {
        let first = to_float64(arg(a, 0));
        Ok(Value::Float(
            a.iter().skip(1).map(to_float64).fold(first, go_max),
        ))
    });
    r.variadic("minf", &[ANY], ANY, |a| {
        let first = to_float64(arg(a, 0));
        Ok(Value::Float(
            a.iter().skip(1).map(to_float64).fold(first, go_min),
        ))
    });
    r.fixed("floor", &[ANY], |a| {
        Ok(Value::Float(to_float64(arg(a, 0)).floor()))
    });
    r.fixed("ceil", &[ANY], |a| {
        Ok(Value::Float(to_float64(arg(a, 0)).ceil()))
    });
    r.variadic("round", &[ANY, INT], F64, |a| {
        let round_on = match a.get(2) {
            Some(Value::Float(x)) => *x,
            _ => 0.5,
        };
        Ok(Value::Float(round(
            to_float64(arg(a, 0)),
            arg_int(a, 1) as f64,
            round_on,
        )))
    });
    r.fixed("add1f", &[ANY], |a| {
        decimal_op(arg(a, 0), &[Value::Int(1)], Op::Add)
    });
    r.variadic("addf", &[], ANY, |a| {
        decimal_op(&Value::Float(0.0), a, Op::Add)
    });
    r.variadic("subf", &[ANY], ANY, |a| {
        decimal_op(arg(a, 0), a.get(1..).unwrap_or(&[]), Op::Sub)
    });
    r.variadic("mulf", &[ANY], ANY, |a| {
        decimal_op(arg(a, 0), a.get(1..).unwrap_or(&[]), Op::Mul)
    });
    r.variadic("divf", &[ANY], ANY, |a| {
        decimal_op(arg(a, 0), a.get(1..).unwrap_or(&[]), Op::Div)
    });
}

/// Go's `math.Max`: NaN wins, +0 beats -0.
fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == 0.0 && b == 0.0 {
        return if a.is_sign_negative() { b } else { a };
    }
    if a > b { a } else { b }
}

/// Go's `math.Min`: NaN wins, -0 beats +0.
fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == 0.0 && b == 0.0 {
        return if a.is_sign_negative() { a } else { b };
    }
    if a < b { a } else { b }
}

/// Sprig's `round`: scale, then ceil when the fractional part reaches
/// `round_on`, floor otherwise.
fn round(val: f64, places: f64, round_on: f64) -> f64 {
    let pow = 10f64.powf(places);
    let digit = pow * val;
    let frac = digit.fract();
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    r / pow
}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// A decimal `mantissa × 10^exp`, exact for every float's shortest form.
#[derive(Clone, Copy, Debug)]
struct Decimal {
    mantissa: i128,
    exp: i32,
}

impl Decimal {
    /// shopspring's `NewFromFloat`: the shortest decimal that reads back as
    /// the same float.
    fn from_f64(x: f64) -> Result<Decimal, FuncError> {
        if !x.is_finite() {
            return Err(fail(format!(
                "Cannot create a Decimal from {}",
                super::conv::go_float_string(x)
            )));
        }
        let sci = format!("{x:e}");
        let (m, e) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
        let neg = m.starts_with('-');
        let digits: String = m.chars().filter(char::is_ascii_digit).collect();
        let e: i32 = e.parse().unwrap_or(0);
        let mut mantissa: i128 = digits.parse().unwrap_or(0);
        if neg {
            mantissa = -mantissa;
        }
        Ok(Decimal {
            mantissa,
            exp: e - (digits.len() as i32 - 1),
        })
    }

    /// The value rescaled to exponent `exp` (not above its own).
    fn rescaled(self, exp: i32) -> Option<i128> {
        let shift = u32::try_from(self.exp - exp).ok()?;
        self.mantissa.checked_mul(10i128.checked_pow(shift)?)
    }

    fn apply(self, op: Op, other: Decimal) -> Result<Option<Decimal>, FuncError> {
        Ok(match op {
            Op::Add | Op::Sub => {
                let exp = self.exp.min(other.exp);
                let (Some(a), Some(b)) = (self.rescaled(exp), other.rescaled(exp)) else {
                    return Ok(None);
                };
                let m = if matches!(op, Op::Add) {
                    a.checked_add(b)
                } else {
                    a.checked_sub(b)
                };
                m.map(|mantissa| Decimal { mantissa, exp })
            }
            Op::Mul => self
                .mantissa
                .checked_mul(other.mantissa)
                .map(|mantissa| Decimal {
                    mantissa,
                    exp: self.exp + other.exp,
                }),
            Op::Div => {
                if other.mantissa == 0 {
                    return Err(fail("decimal division by 0"));
                }
                // Quotient rounded half away from zero to 16 places.
                let scale = self.exp - other.exp + 16;
                let (num, den) = if scale >= 0 {
                    let p = 10i128.checked_pow(scale as u32);
                    (
                        p.and_then(|p| self.mantissa.checked_mul(p)),
                        Some(other.mantissa),
                    )
                } else {
                    let p = 10i128.checked_pow((-scale) as u32);
                    (
                        Some(self.mantissa),
                        p.and_then(|p| other.mantissa.checked_mul(p)),
                    )
                };
                let (Some(num), Some(den)) = (num, den) else {
                    return Ok(None);
                };
                let (q, r) = (num / den, num % den);
                let away = r.unsigned_abs() * 2 >= den.unsigned_abs();
                let q = if away {
                    q + if (num < 0) != (den < 0) { -1 } else { 1 }
                } else {
                    q
                };
                Some(Decimal {
                    mantissa: q,
                    exp: -16,
                })
            }
        })
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.mantissa, self.exp)
            .parse()
            .unwrap_or(f64::NAN)
    }
}

/// Sprig's `execDecimalOp`. When a value does not fit 128 bits the
/// operation falls back to float arithmetic (shopspring uses big integers).
fn decimal_op(first: &Value, rest: &[Value], op: Op) -> Result<Value, FuncError> {
    let mut acc = Decimal::from_f64(to_float64(first))?;
    let mut float = to_float64(first);
    let mut exact = true;
    for v in rest {
        let x = to_float64(v);
        let d = Decimal::from_f64(x)?;
        float = match op {
            Op::Add => float + x,
            Op::Sub => float - x,
            Op::Mul => float * x,
            Op::Div => float / x,
        };
        if exact {
            match acc.apply(op, d)? {
                Some(next) => acc = next,
                None => exact = false,
            }
        }
    }
    Ok(Value::Float(if exact { acc.to_f64() } else { float }))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::cloned_ref_to_slice_refs,
    clippy::too_many_arguments,
    reason = "a failed unwrap is a failed test"
)]
mod tests {
    use super::super::testing::{call, i, s};
    use super::*;

    #[test]
    fn integer_math_casts_operands() {
        assert_eq!(
            call("add", &[i(1), s("2"), Value::Float(3.9)]).unwrap(),
            Value::Int64(6)
        );
        assert_eq!(call("add1", &[s("x")]).unwrap(), Value::Int64(1));
        assert_eq!(call("sub", &[i(1), i(3)]).unwrap(), Value::Int64(-2));
        assert_eq!(call("div", &[i(7), i(2)]).unwrap(), Value::Int64(3));
        assert_eq!(call("div", &[i(-7), i(2)]).unwrap(), Value::Int64(-3));
        assert_eq!(call("mod", &[i(-7), i(2)]).unwrap(), Value::Int64(-1));
        assert_eq!(call("mul", &[i(2), i(3), i(4)]).unwrap(), Value::Int64(24));
        assert_eq!(call("max", &[i(2), i(9), i(4)]).unwrap(), Value::Int64(9));
        assert_eq!(call("min", &[i(2), i(-9)]).unwrap(), Value::Int64(-9));
        let err = call("div", &[i(1), i(0)]).unwrap_err();
        assert_eq!(err.message(), "runtime error: integer divide by zero");
    }

    #[test]
    fn float_math_is_decimal() {
        assert_eq!(
            call("addf", &[Value::Float(1.1), Value::Float(2.2)]).unwrap(),
            Value::Float(3.3)
        );
        assert_eq!(
            call("subf", &[Value::Float(0.3), Value::Float(0.1)]).unwrap(),
            Value::Float(0.2)
        );
        assert_eq!(
            call("mulf", &[Value::Float(1.1), i(3)]).unwrap(),
            Value::Float(3.3)
        );
        assert_eq!(
            call("divf", &[i(1), i(3)]).unwrap(),
            Value::Float(0.3333333333333333)
        );
        assert_eq!(
            call("divf", &[i(2), i(3)]).unwrap(),
            Value::Float(0.6666666666666667)
        );
        assert!(call("divf", &[i(1), i(0)]).is_err());
        assert_eq!(
            call("add1f", &[Value::Float(0.1)]).unwrap(),
            Value::Float(1.1)
        );
    }

    #[test]
    fn rounding() {
        assert_eq!(
            call("round", &[Value::Float(123.555555), i(3)]).unwrap(),
            Value::Float(123.556)
        );
        assert_eq!(
            call("round", &[Value::Float(2.5), i(0)]).unwrap(),
            Value::Float(3.0)
        );
        assert_eq!(call("floor", &[s("1.7")]).unwrap(), Value::Float(1.0));
        assert_eq!(call("ceil", &[i(1)]).unwrap(), Value::Float(1.0));
        assert_eq!(
            call("maxf", &[i(1), Value::Float(2.5)]).unwrap(),
            Value::Float(2.5)
        );
    }
}
