//! Sprig functions as Helm registers them. (in progress)
