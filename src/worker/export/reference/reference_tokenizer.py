"""Reference tokenizer for a Distillery student (tokenizer spec version 1, see tokenizer-spec.md).

text -> the T ids the exported ONNX model takes as `input_ids` (int64, shape [batch, T]).
Python 3.8+, standard library only. Char mode is complete; word and both modes need jieba
(`pip install jieba`), which is not nodejieba: the same dictionary, but a few words may be cut
differently, so word-mode ids are not guaranteed identical to Distillery's.

    from reference_tokenizer import load
    tok = load("tokenizer.json")
    ids = tok.encode("味道不错，送餐很快")         # list of tok.max_len ints
    # onnxruntime: sess.run(None, {"input_ids": numpy.array([ids], dtype=numpy.int64)})

As a command: python3 reference_tokenizer.py tokenizer.json [--json] < texts  (one JSON list per line)
"""
import json
import math
import os
import re
import sys
import unicodedata

SPEC_VERSION = 1
PAD, UNK = 0, 1

# Script=Han, Hiragana or Katakana (Unicode 17, as Node's \p{Script=...}).
CJK_RANGES = (
    (0x2E80, 0x2E99), (0x2E9B, 0x2EF3), (0x2F00, 0x2FD5), (0x3005, 0x3005), (0x3007, 0x3007),
    (0x3021, 0x3029), (0x3038, 0x303B), (0x3041, 0x3096), (0x309D, 0x309F), (0x30A1, 0x30FA),
    (0x30FD, 0x30FF), (0x31F0, 0x31FF), (0x32D0, 0x32FE), (0x3300, 0x3357), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xF900, 0xFA6D), (0xFA70, 0xFAD9), (0xFF66, 0xFF6F), (0xFF71, 0xFF9D),
    (0x16FE2, 0x16FE3), (0x16FF0, 0x16FF6), (0x1AFF0, 0x1AFF3), (0x1AFF5, 0x1AFFB), (0x1AFFD, 0x1AFFE),
    (0x1B000, 0x1B122), (0x1B132, 0x1B132), (0x1B150, 0x1B152), (0x1B155, 0x1B155), (0x1B164, 0x1B167),
    (0x1F200, 0x1F200), (0x20000, 0x2A6DF), (0x2A700, 0x2B81D), (0x2B820, 0x2CEAD), (0x2CEB0, 0x2EBE0),
    (0x2EBF0, 0x2EE5D), (0x2F800, 0x2FA1D), (0x30000, 0x3134A), (0x31350, 0x33479),
)
# JavaScript's \s (Python's \s differs: it has \x1c-\x1f and lacks \ufeff).
SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
SPACES = re.compile("[" + SPACE + "]+")
ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
URL_CHARS = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"
SCHEME_URL = re.compile(r"(?:https?://|ftp://|www\.)" + URL_CHARS + "+", re.I | re.A)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", re.A)
BARE_DOMAIN = re.compile(
    r"(?<![A-Za-z0-9@.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|org|edu|gov|io|info|me|cc|tv|hk|tw)(?![A-Za-z0-9-])(?:/" + URL_CHARS + "*)?",
    re.I | re.A,
)
NUMBER = re.compile(r"(?<![A-Za-z0-9])(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?%?")
URL_TRAILING = re.compile(r"[.,!?;:'\")\]]+\Z")
PLACEHOLDERS = ("<url>", "<email>", "<at>", "<num>")
PLACEHOLDER_SPLIT = re.compile(r"(<(?:url|email|at|num)>)")


def is_cjk(ch):
    c = ord(ch)
    return any(a <= c <= b for a, b in CJK_RANGES)


def is_lmn(ch):
    return unicodedata.category(ch)[0] in "LMN"


def _url(m):
    tail = URL_TRAILING.search(m.group(0))
    return "<url>" + (tail.group(0) if tail else "")


def _mentions(s):
    # @ + letters/marks/digits/_/-, not after [A-Za-z0-9._%+-] (that would be an email).
    out, i = [], 0
    while i < len(s):
        j = i + 1
        if s[i] == "@" and (i == 0 or not re.match(r"[A-Za-z0-9._%+-]", s[i - 1])):
            while j < len(s) and (is_lmn(s[j]) or s[j] in "_-"):
                j += 1
            if j > i + 1:
                out.append("<at>")
                i = j
                continue
        out.append(s[i])
        i += 1
    return "".join(out)


def normalize(text, n):
    """Spec step 1, in this order."""
    s = ZERO_WIDTH.sub("", text)
    if n.get("fullToHalfWidth", True):
        s = "".join(" " if c == "\u3000" else chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in s)
    if n.get("traditionalToSimplified", False):
        raise ValueError("tokenizer.json: traditionalToSimplified needs OpenCC (tw -> cn); not in this reference")
    if n.get("placeholders", True):
        s = SCHEME_URL.sub(_url, s)
        s = EMAIL.sub("<email>", s)
        s = BARE_DOMAIN.sub(_url, s)
        s = _mentions(s)
        s = NUMBER.sub("<num>", s)
    if n.get("lowercase", True):
        s = s.lower()
    return SPACES.sub(" ", s).strip(SPACE)


def char_tokens(s):
    """Spec step 2, char mode: placeholders; one CJK char; a run of other letters/marks/digits; any other non-space char."""
    out, i = [], 0
    while i < len(s):
        ph = next((p for p in PLACEHOLDERS if s.startswith(p, i)), None)
        if ph:
            out.append(ph)
            i += len(ph)
        elif is_cjk(s[i]):
            out.append(s[i])
            i += 1
        elif is_lmn(s[i]):
            j = i + 1
            while j < len(s) and is_lmn(s[j]) and not is_cjk(s[j]):
                j += 1
            out.append(s[i:j])
            i = j
        else:
            if s[i] not in SPACE:
                out.append(s[i])
            i += 1
    return out


def word_tokens(s):
    import jieba  # word mode only: pip install jieba

    out = []
    for k, part in enumerate(PLACEHOLDER_SPLIT.split(s)):
        if k % 2 == 1:
            out.append(part)
        elif part.strip(SPACE):
            out.extend(w.strip(SPACE) for w in jieba.cut(part, HMM=True) if w.strip(SPACE))
    return out


def truncate(tokens, T, mode, head_share):
    """Spec step 4."""
    if len(tokens) <= T:
        return list(tokens)
    if mode == "head":
        return tokens[:T]
    if mode == "tail":
        return tokens[len(tokens) - T:]
    head = min(T, max(0, math.ceil(T * head_share)))
    return tokens[:head] + tokens[len(tokens) - (T - head):]


class Tokenizer:
    def __init__(self, j):
        if j.get("format") != "distillery.text-pipeline":
            raise ValueError("not a Distillery tokenizer.json (format %r)" % j.get("format"))
        if j.get("spec_version", 1) > SPEC_VERSION:
            raise ValueError("tokenizer.json has spec_version %s; this reference implements %d" % (j["spec_version"], SPEC_VERSION))
        self.config = c = j["config"]
        self.max_len = j["maxLen"]
        self.index = {t: i for i, t in enumerate(j["vocab"]["tokens"])}
        self.stop = {w for w in (normalize(x, c["normalize"]) for x in c.get("stopWords") or []) if w}

    def tokens(self, text):
        c = self.config
        s = normalize(text, c["normalize"])
        mode = c["mode"]
        t = char_tokens(s) if mode == "char" else word_tokens(s) if mode == "word" else word_tokens(s) + char_tokens(s)
        return [x for x in t if x not in self.stop]

    def encode(self, text):
        """Spec steps 1-5: exactly max_len ids, post-padded with 0."""
        c = self.config
        kept = truncate(self.tokens(text), self.max_len, c.get("truncation", "head+tail"), c.get("headShare", 0.25))
        ids = [self.index.get(t, UNK) or UNK for t in kept]  # a literal '<pad>' token becomes UNK
        return ids + [PAD] * (self.max_len - len(ids))


def load(path):
    with open(path, encoding="utf-8") as f:
        j = json.load(f)
    user_dict = j["config"].get("userDict")
    if user_dict and j["config"]["mode"] != "char":
        import jieba  # the model's jieba user dictionary lies beside tokenizer.json

        jieba.load_userdict(os.path.join(os.path.dirname(os.path.abspath(path)), user_dict["file"]))
    return Tokenizer(j)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--json"]
    if not args:
        sys.exit("usage: python3 reference_tokenizer.py tokenizer.json [--json] < texts")
    tok = load(args[0])
    as_json = "--json" in sys.argv
    data = sys.stdin.buffer.read().decode("utf-8")
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = sys.stdout
    for line in lines:
        text = json.loads(line) if as_json else line.rstrip("\r")
        out.write(json.dumps(tok.encode(text), separators=(",", ":")) + "\n")
