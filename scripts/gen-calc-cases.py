#!/usr/bin/env python3
"""Write test/fixtures/calc-cases.json: expressions and what Python 3 prints for them.

The calc service promises Python's arithmetic; this table is the proof, made by Python itself. Run it
again after adding expressions: python3 scripts/gen-calc-cases.py
"""
import itertools
import json
import platform
import sys

HAND = """
2+2
6/2
10/4
7/7
1/3
2/3
-1/3
10/3
1e16
1e15
1e-4
1e-5
0.1+0.2
0.1*3
1.1*1.1
3.0
100.0
123456789012345678.0
1234567890123456.0
12345678901234567.0
0.000123
0.0001
1e22
1e100
1.5e300*1.5e10
1e308*10
-1e308*10
-0.0
0.0*-1
-0.0+0.0
2**100
2**64-1
-2**63
2**-1
2**-10
-2**2
(-2)**2
2**3**2
(2**3)**2
2**0.5
4**0.5
0**0
0.0**0
10**-2
(-8)**2
(-1)**1001
1**10000000
-7//2
-7%3
7//-2
7%-2
-7//-2
-7%-2
7.5//2
-7.5//2
7.5%2
-7.5%2
7.5%-2
-0.0//1
0.0%-1
5%0.5
5.5%0.5
1e300%7
-1e-300%1
10//3
10%3
2**70//3
-(2**70)//3
2**70%7
-(2**70)%7
10**30/3
10**30/10**29
(10**30+1)/10
2**1000/2**999
3**200/7**80
(2**53+1)/1
(2**53+3)/2
-(2**60+1)/3
10**400/10**399
123456789*987654321
-123456789*987654321
99999999999999999999*99999999999999999999
1+2*3
(1+2)*3
1-2-3
1-(2-3)
2*3**2
-3**2
+3
--3
-+-3
~5
~-1
~0
~~7
1<<10
1<<100
-1<<3
1024>>3
-1024>>3
-1>>5
1>>100
5&3
5|3
5^3
-5&3
-5|3
-5^3
6&-4
1|2^3&4
1+2<<3
1<<2+3
3&5|6
True
False
True+1
True+True
True*10
True/2
-True
~True
True&False
True|False
True^True
True&1
1<2
1<2<3
3>2>1
1<2>3
1==1.0
1!=1.0
2**53+1==2.0**53
2**53==2.0**53
0.1+0.2==0.3
1<=1
1>=2
1<2==True
(1<2)+1
not 1
not 0
not 0.0
1 and 2
0 and 2
1 or 2
0 or 2
0 or 0.0
not 1 == 2
1 < 2 and 2 < 3
abs(-3)
abs(-3.5)
abs(True)
abs(-2**100)
round(2.5)
round(3.5)
round(-2.5)
round(0.5)
round(1.5)
round(2.675, 2)
round(1.005, 2)
round(0.125, 2)
round(0.375, 2)
round(1234.5678, -2)
round(1250, -2)
round(1350, -2)
round(-1250, -2)
round(1234, 2)
round(2.5, 0)
round(-0.4)
round(1e20)
min(3, 1, 2)
max(3, 1, 2)
min(1, 1.0)
max(1.0, 1)
max(-1, -1.5)
min(True, 2)
pow(2, 10)
pow(2, -1)
pow(3, 4, 5)
pow(3, -1, 7)
pow(-3, 3, 7)
pow(3, 3, -7)
pow(2, 100, 10**9+7)
int(2.7)
int(-2.7)
int(1e20)
int(True)
float(3)
float(2**60)
float(True)
divmod(7, 2)
divmod(-7, 2)
divmod(7, -2)
divmod(7.5, 2)
divmod(-7.5, 2)
bool(0)
bool(3)
bool(0.0)
((((1))))
(1+(2*(3+(4*(5+6)))))
0x10
0o17
0b1011
0xff+1
1_000_000
1_0.5
.5
5.
1.e2
1E3
1e+3
1_000e-3
3.14159*2
2.5*4
9.99/3
1/7
22/7
355/113
2**0.5*2**0.5
10**15+0.3
10**16+1.0
1e16+1
5e-324
5e-324/2
1.7976931348623157e308
2.2250738585072014e-308
4.9e-324*3
1/0
1//0
1%0
1.0/0
1.0//0.0
5%0.0
0**-1
0.0**-1
divmod(1, 0)
(1+2
1+
*1
1 2
(1,2
1 +* 2
""".strip().splitlines()

# Every operator between a few values of each kind, so the mixed cases are covered systematically.
VALUES = ["7", "-3", "2.5", "-0.5", "True", "0"]
OPERATORS = ["+", "-", "*", "/", "//", "%", "**"]
GENERATED = [f"{a} {op} {b}" for a, op, b in itertools.product(VALUES[:4], OPERATORS, VALUES[:5])]


def run(expr):
    try:
        value = eval(expr, {"__builtins__": {}}, {
            "abs": abs, "round": round, "min": min, "max": max, "pow": pow,
            "int": int, "float": float, "divmod": divmod, "bool": bool,
        })
    except ZeroDivisionError:
        return {"expr": expr, "error": "ERROR division by zero"}
    except SyntaxError:
        return {"expr": expr, "error": "ERROR invalid expression"}
    except OverflowError:
        return {"expr": expr, "error": "ERROR result too large"}
    if isinstance(value, complex):
        return {"expr": expr, "error": "ERROR complex result not supported"}
    return {"expr": expr, "expected": str(value)}


def main():
    seen = set()
    cases = []
    for expr in HAND + GENERATED:
        if expr in seen:
            continue
        seen.add(expr)
        cases.append(run(expr))
    out = {"python": platform.python_version(), "generator": "scripts/gen-calc-cases.py", "cases": cases}
    with open("test/fixtures/calc-cases.json", "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(cases)} cases, Python {platform.python_version()}", file=sys.stderr)


if __name__ == "__main__":
    main()
