# Writes chart/values.yaml: seeded random strings dense in quotes, backslashes,
# controls, HTML characters, U+2028/U+2029 and non-printable runes, for
# quote / toJson / printf %q / %+q (run from this folder: python3 gen-values.py).
import json, random
random.seed(7)
pieces = ['"', '\\', '\\"', '\\\\n', '{"k":"v"}', '\n', '\t', '\r', '\x01', '\x07', '\x0b', '\x1b', '<', '>', '&',
          'é', '世', '\u2028', '\u2029', '\u2027', '€', '😀', '\u00a0', '\u00ad', '\u200b', '\ue000', '\U000e0001', "'", '`', ' ', ':', '#']
def rand_str():
    out = []
    for _ in range(random.randint(0, 30)):
        r = random.random()
        if r < 0.45:
            out.append(''.join(random.choice('abcdefghijklmnopqrstuvwxyz0123456789 ._=-') for _ in range(random.randint(0, 12))))
        elif r < 0.9:
            out.append(random.choice(pieces))
        else:
            c = random.choice([random.randint(0x20, 0x7e), random.randint(0xa0, 0xd7ff), random.randint(0xe000, 0xfffd), random.randint(0x10000, 0x10ffff)])
            if c == 0xfeff: c = 0x41
            out.append(chr(c))
    return ''.join(out)
strs = [rand_str() for _ in range(400)]
strs += ['x' * 7 + '"' * k + '\\' * j for k in range(3) for j in range(10)]
strs.append(json.dumps({'a': strs[:50]}))  # long JSON-like
json.dump({'s': strs}, open('chart/values.yaml', 'w'), ensure_ascii=False)
# Raw U+2028/U+2029 in the values file hit a known values-reader divergence;
# spell them as YAML escapes instead.
t = open('chart/values.yaml').read().replace('\u2028', '\\u2028').replace('\u2029', '\\u2029')
open('chart/values.yaml', 'w').write(t)
