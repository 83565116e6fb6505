// Numbers printed as Python 3 prints them.

/** Python's repr of a float: the shortest digits that round-trip, laid out as Python lays them out. */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Number.POSITIVE_INFINITY) return "inf";
  if (x === Number.NEGATIVE_INFINITY) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  // toExponential() with no argument gives the shortest round-trip digits, as Python's repr does.
  const [mantissa = "", exp = "0"] = x.toExponential().split("e");
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const e = Number(exp);
  const sign = negative ? "-" : "";
  if (e < -4 || e >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expText = String(Math.abs(e)).padStart(2, "0");
    return `${sign}${body}e${e < 0 ? "-" : "+"}${expText}`;
  }
  if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, "0");
  const frac = digits.slice(e + 1);
  return `${sign}${whole}.${frac === "" ? "0" : frac}`;
}
