#!/usr/bin/env python3
"""What richer models reach on the engine's own features: a ceiling study.

The last stage weighs its features linearly (paragraph score, sentence choice, answer test).
This asks whether another model on the same features would do better, by 5-fold
cross-validation grouped by question (no question is scored by a model that saw it):

- abstention: logistic regression, gradient boosting and a logistic regression on the features
  and their pairwise products, on the best candidate's features; for each set, the share of
  off-corpus questions declined when 1%, 1.5%, 3% or 5% of its answerable ones are (each set at
  its own cut: an upper bound for the engine's one constant), then at one cut for every set,
  the engine's rule: no set declines more than 3% of its answerable questions (the news
  sample's 21 allow none);
- paragraph choice: the share of answerable questions whose top candidate holds an answer,
  and how often any candidate does (the most any ranking of them can reach);
- sentence choice: in each candidate paragraph that holds an answer, how often the top
  sentence holds it (no neighbour joins it here, as one does in a quote).

Write the features with tune, then run this (needs numpy and scikit-learn; not run by CI):

    cargo run --release -p tune -- --dump /tmp/a.csv --paragraphs /tmp/p.csv --sentences /tmp/s.csv
    python3 tools/tune/ceiling.py /tmp/a.csv /tmp/p.csv /tmp/s.csv

With `--features semantic` and `--semantic-model DIR` added to tune, the features are the
semantic set's, with the reader's cosines. Column layouts: tune's `dump_*` functions.
"""
import argparse
import collections

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

# Counts of tune's feature lists (engine/src/search/weights.rs).
PARAGRAPH_FEATURES = 14
ANSWER_FEATURES = 17  # the last is the constant


def read(path):
    with open(path) as f:
        return [line.rstrip("\n").split(",") for line in f if line.strip()]


def models():
    return {
        "logistic": lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000)),
        "boosting": lambda: HistGradientBoostingClassifier(
            max_iter=300, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=20, random_state=0
        ),
    }


def cross_validated(make, x, y, groups, weight):
    """Out-of-fold probabilities; every set weighs the same, as in tune."""
    out = np.zeros(len(y))
    for train, test in GroupKFold(5).split(x, y, groups):
        model = make()
        w = weight[train] * len(train)
        key = "logisticregression__sample_weight" if hasattr(model, "steps") else "sample_weight"
        model.fit(x[train], y[train], **{key: w})
        out[test] = model.predict_proba(x[test])[:, 1]
    return out


def set_weights(sets, y=None):
    """Each set's rows weigh the same in total (and, with `y`, each class within a set)."""
    key = sets if y is None else np.array([f"{s}:{c}" for s, c in zip(sets, y)])
    counts = collections.Counter(key)
    w = np.array([1.0 / counts[k] for k in key])
    return w / w.sum()


def abstention(path):
    rows = read(path)
    sets = np.array([r[0] for r in rows])
    y = np.array([int(r[2]) for r in rows])
    x = np.array([[float(v) for v in r[3:]] for r in rows])
    answer = list(range(PARAGRAPH_FEATURES, PARAGRAPH_FEATURES + ANSWER_FEATURES - 1))
    cosines = list(range(PARAGRAPH_FEATURES + ANSWER_FEATURES, x.shape[1]))
    groups = np.array([r[0] + ":" + r[1] for r in rows])
    print("abstention: off-corpus declined when 1% / 1.5% / 3% / 5% of the answerable are;")
    print("  then, at one cut for every set that declines at most 3% of any set's answerable")
    print("  questions (the engine's rule), each set's answerable and off-corpus declined")
    quadratic = {
        "quadratic": lambda: make_pipeline(
            StandardScaler(), PolynomialFeatures(2), StandardScaler(),
            LogisticRegression(C=0.01, max_iter=5000),
        )
    }
    for name, make in {**models(), **quadratic}.items():
        for cols_name, cols in (("answer test", answer + cosines), ("every feature", list(range(x.shape[1])))):
            p = cross_validated(make, x[:, cols], y, groups, set_weights(sets, y))
            cells = []
            for s in sorted(set(sets)):
                pos = np.sort(p[(sets == s) & (y == 1)])
                neg = p[(sets == s) & (y == 0)]
                if len(neg) == 0 or len(pos) == 0:
                    continue
                shares = [np.mean(neg < pos[int(b * len(pos))]) for b in (0.01, 0.015, 0.03, 0.05)]
                cells.append(f"{s} " + " / ".join(f"{v:.2f}" for v in shares))
            print(f"  {name:<9} {cols_name:<14} " + "; ".join(cells))
            # The engine's rule: one cut, the lowest of the sets' cuts, each set's letting at
            # most 3% of its answerable questions be declined (the news sample's 21: none).
            cut = min(
                np.sort(p[(sets == s) & (y == 1)])[int(0.03 * np.sum((sets == s) & (y == 1)))]
                for s in set(sets) if ((sets == s) & (y == 1)).any())
            print(" " * 27 + "one cut: " + "; ".join(
                f"{s} {np.mean(p[(sets == s) & (y == 1)] < cut):.3f} / "
                f"{np.mean(p[(sets == s) & (y == 0)] < cut):.2f}"
                for s in sorted(set(sets)) if ((sets == s) & (y == 0)).any()))


def top_share(score, y, sets, groups):
    best = {}
    for i, g in enumerate(groups):
        if g not in best or score[i] > score[best[g]]:
            best[g] = i
    tally = collections.defaultdict(lambda: [0, 0])
    for i in best.values():
        tally[sets[i]][0] += y[i]
        tally[sets[i]][1] += 1
    return "; ".join(f"{s} {a / n:.3f}" for s, (a, n) in sorted(tally.items()))


def paragraphs(path):
    rows = read(path)
    sets = np.array([r[0] for r in rows])
    y = np.array([int(r[3]) for r in rows])
    x = np.array([[float(v) for v in r[4:]] for r in rows])
    questions = np.array([r[0] + ":" + r[1] for r in rows])
    print("paragraph choice: the top candidate holds an answer")
    held = collections.defaultdict(set)
    for q, h, s in zip(questions, y, sets):
        if h:
            held[s].add(q)
    print("  any candidate holds one: " + "; ".join(
        f"{s} {len(held[s]) / len(set(questions[sets == s])):.3f}" for s in sorted(set(sets))))
    for name, make in models().items():
        p = cross_validated(make, x, y, questions, set_weights(sets))
        print(f"  {name:<9} " + top_share(p, y, sets, questions))


def sentences(path):
    rows = read(path)
    sets = np.array([r[0] for r in rows])
    y = np.array([int(r[5]) for r in rows])
    cols = [3, 4, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]
    x = np.array([[float(r[j]) for j in cols] for r in rows])
    # Where the sentence stands, and its matched weight against the paragraph's largest.
    x = np.column_stack([x, x[:, 0] / np.maximum(x[:, 1], 1), x[:, 4] / np.maximum(x[:, 13], 1e-6)])
    questions = np.array([r[0] + ":" + r[1] for r in rows])
    paragraph = np.array([r[0] + ":" + r[1] + ":" + r[2] for r in rows])
    print("sentence choice: the top sentence of a paragraph that holds an answer holds it")
    print("  largest matched weight " + top_share(x[:, 4], y, sets, paragraph))
    if x[:, 16].any():  # the reader's cosine (0 in a keyword dump)
        print("  largest cosine         " + top_share(x[:, 16], y, sets, paragraph))
    for name, make in models().items():
        p = cross_validated(make, x, y, questions, set_weights(sets))
        print(f"  {name:<22} " + top_share(p, y, sets, paragraph))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("answers", help="tune --dump FILE")
    parser.add_argument("paragraphs", help="tune --paragraphs FILE")
    parser.add_argument("sentences", help="tune --sentences FILE")
    args = parser.parse_args()
    abstention(args.answers)
    paragraphs(args.paragraphs)
    sentences(args.sentences)


if __name__ == "__main__":
    main()
