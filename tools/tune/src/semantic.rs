//! The semantic weight set (`--semantic-model DIR`, cargo feature `semantic`): fitted in the
//! same run as the keyword set, on the same sets, by the same objective, with every question
//! read again with the reader ([`citebot_engine::search::meaning`]: the nearest passages
//! joined by reciprocal-rank fusion, each candidate's cosine a feature).
//!
//! 1. fusion (how many nearest passages join, how much their ranks count) on a small grid,
//!    each point with the paragraph score's cosine weight fitted on a line;
//! 2. the last stage's ranking and quoting weights and the cosine's, by the keyword fit's
//!    coordinate ascent, from the keyword set;
//! 3. abstention: the keyword fit's logistic regression over the reader's candidates, then the
//!    two cosine weights of the answer test and its constant by ascent on the objective plus
//!    half the share of off-corpus questions declined, with at most `--budget` of each set's
//!    answerable questions declined.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use citebot_engine::search::evidence::Weights;
use citebot_engine::search::meaning::Fusion;
use citebot_engine::search::weights::{self, FittedSemantic};
use citebot_engine::semantic::Encoder;
use rayon::prelude::*;

use super::{ascend, document_ids, figures, fit_answers_with, flat, item, objective, unflat, Set};

/// The semantic reader's weights ([`citebot_engine::search::evidence::MEANING_FEATURES`]).
const MEANING: usize = citebot_engine::search::evidence::MEANING_FEATURES.len();

/// The question vectors of every set, embedded once.
pub struct Questions(Vec<Vec<Vec<f32>>>);

/// Loads the model, embeds every set's passages (cached in `cache`, else beside each corpus)
/// and questions.
pub fn prepare(sets: &[Set], model: &Path, cache: Option<&Path>) -> Result<Questions, String> {
    let encoder = Arc::new(Encoder::load(model).map_err(|e| e.to_string())?);
    let mut out = Vec::new();
    for set in sets {
        let started = std::time::Instant::now();
        let report = set
            .snapshot
            .embed(&encoder, None, cache, &|done, total| {
                if done % 1024 < citebot_engine::semantic::BATCH || done == total {
                    eprint!(
                        "\r{}: embedded {done} of {total} passages and sentences",
                        set.name
                    );
                }
            })
            .map_err(|e| e.to_string())?;
        eprintln!();
        if let Some(warning) = report.cache_warning {
            eprintln!("tune: cache: {warning}");
        }
        let questions: Vec<&str> = set.cases.iter().map(|c| c.question.as_str()).collect();
        let mut vectors = Vec::with_capacity(questions.len());
        for batch in questions.chunks(citebot_engine::semantic::BATCH) {
            let flat = encoder.embed(batch).map_err(|e| e.to_string())?;
            vectors.extend(flat.chunks_exact(encoder.dims()).map(<[f32]>::to_vec));
        }
        println!(
            "{}: {} passages and {} sentences ({} texts embedded now), {} questions embedded, {:.1} s",
            set.name,
            report.passages,
            report.sentences,
            report.embedded,
            vectors.len(),
            started.elapsed().as_secs_f64()
        );
        out.push(vectors);
    }
    Ok(Questions(out))
}

/// Reads every question of every set again with the reader and `fusion`.
fn read_all(sets: &mut [Set], questions: &Questions, fusion: Fusion) {
    let w = weights::last_stage();
    for (set, vectors) in sets.iter_mut().zip(&questions.0) {
        let ids = document_ids(&set.snapshot);
        let Some(embeddings) = set.snapshot.semantic().get() else {
            continue;
        };
        let snapshot = &set.snapshot;
        set.items = set
            .cases
            .par_iter()
            .zip(vectors)
            .map(|(case, q)| {
                let meaning = embeddings.meaning_of(q.clone(), w, fusion);
                let (query, evidence) = snapshot.read_with_meaning(&case.question, Some(&meaning));
                item(case, &ids, &query, evidence)
            })
            .collect();
    }
}

/// The keyword weights with cosine weights `meaning`.
fn with_meaning(w: &Weights, meaning: [f32; MEANING]) -> Weights {
    Weights {
        meaning,
        ..w.clone()
    }
}

/// Fits the semantic set from the keyword set `keyword`; the sets are left read with the reader.
pub fn fit(
    sets: &mut [Set],
    questions: &Questions,
    keyword: &Weights,
    (rounds, budget): (usize, f64),
) -> FittedSemantic {
    let mut always = keyword.clone();
    always.answers = super::always_answer();
    // 1. Fusion, each point with the paragraph cosine's weight fitted on a line.
    let mut best: Option<(f64, Fusion, f32)> = None;
    for (share, depth) in [(0.5, 12), (1.0, 6), (1.0, 12), (1.0, 24), (2.0, 12)] {
        let fusion = Fusion {
            rank_constant: 60.0,
            share,
            depth,
        };
        read_all(sets, questions, fusion);
        for cosine in [0.0f32, 2.0, 4.0, 8.0, 16.0] {
            let score = objective(
                sets,
                &with_meaning(&always, [cosine, 0.0, 0.0, 0.0, 0.0, 0.0]),
            );
            println!("fusion share {share} depth {depth}, paragraph cosine {cosine}: objective {score:.5}");
            if best.is_none_or(|b| score > b.0) {
                best = Some((score, fusion, cosine));
            }
        }
    }
    let (_, fusion, cosine) = best.unwrap_or((
        0.0,
        weights::semantic().fusion,
        weights::semantic().last_stage.meaning[0],
    ));
    println!("fusion: {fusion:?}, paragraph cosine {cosine}");
    read_all(sets, questions, fusion);
    // 2. The last stage's weights and the cosines of paragraph score and sentence choice,
    // every question answered.
    // The sentence cosines' two weights start from the best of a small grid: the ascent's
    // steps are too short to find a scale the keyword weights have not met.
    // The fit's vector: the paragraph's, its best sentence's and the sentence's cosine weights,
    // then a last stage's weights, every question answered.
    let start = |cosines: [f32; 3], w: &Weights| {
        let mut v = cosines.to_vec();
        v.extend(flat(&Weights {
            answers: super::always_answer(),
            ..w.clone()
        }));
        v
    };
    let mut v = start([cosine, 0.0, 0.0], &always);
    let tunable = v.len() - always.answers.len();
    let to_weights = |v: &[f32]| with_meaning(&unflat(&v[3..]), [v[0], 0.0, 0.0, v[1], v[2], 0.0]);
    let mut best = (objective(sets, &to_weights(&v)), 0.0, 0.0);
    for paragraph in [0.0f32, 1.0, 2.0, 4.0, 8.0] {
        for sentence in [0.0f32, 1.0, 2.0, 4.0, 8.0, 16.0] {
            let mut t = v.clone();
            (t[1], t[2]) = (paragraph, sentence);
            let score = objective(sets, &to_weights(&t));
            println!(
                "sentence cosine: paragraph {paragraph}, sentence {sentence}: objective {score:.5}"
            );
            if score > best.0 {
                best = (score, paragraph, sentence);
            }
        }
    }
    (v[1], v[2]) = (best.1, best.2);
    let ascent = |v: &mut Vec<f32>, sets: &mut [Set], label: &str| {
        ascend(
            v,
            tunable,
            (&[-2.0, -1.0, -0.5, 0.5, 1.0, 2.0], 0.5),
            (rounds, label),
            |_, _| false,
            |v| objective(sets, &to_weights(v)),
        )
    };
    let from_grid = ascent(&mut v, sets, "semantic round");
    // The ascent ends where its start leads: it also starts from the file's semantic set (with
    // its fusion), and the better end is kept. A keyword set fitted anew can move the grid's
    // start where the sentence cosines no longer pay, and the ascent's steps never reach back.
    let file = weights::semantic();
    read_all(sets, questions, file.fusion);
    let m = file.last_stage.meaning;
    let mut again = start([m[0], m[3], m[4]], &file.last_stage);
    let from_file = ascent(&mut again, sets, "semantic round from the file's set");
    println!("semantic fit: from the grid {from_grid:.5}, from the file's set {from_file:.5}");
    let fusion = if from_file > from_grid {
        v = again;
        file.fusion
    } else {
        read_all(sets, questions, fusion);
        fusion
    };
    let mut w = to_weights(&v);
    // 3. Abstention: the keyword features and the cosines by one logistic fit (a cosine moved
    // alone only shifts every answer's margin, which the constant would have to follow), then
    // the cosines and the constant by ascent within the budget.
    let (answers, cosines) = fit_answers_with(sets, &w, budget, true);
    w.answers = answers;
    let bias = w.answers.len() - 1;
    let mut a = vec![cosines[0], cosines[1], cosines[2], w.answers[bias]];
    let abstain = |a: &[f32]| {
        let mut t = w.clone();
        t.meaning = [w.meaning[0], a[0], a[1], w.meaning[3], w.meaning[4], a[2]];
        t.answers[bias] = a[3];
        t
    };
    let score = |a: &[f32]| {
        let t = abstain(a);
        let per_set: f64 = sets
            .par_iter()
            .map(|set| {
                let f = figures(set, &t);
                let over = (f.declined - budget).max(0.0);
                f.hit1 + 0.3 * f.hit3 + 0.2 * f.passage1 + 0.5 * f.declined_none - 10.0 * over
            })
            .sum();
        per_set / sets.len().max(1) as f64
    };
    ascend(
        &mut a,
        4,
        (&[-4.0, -2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 4.0], 1.0),
        (rounds, "semantic abstention round"),
        |_, _| false,
        score,
    );
    FittedSemantic {
        fusion,
        last_stage: abstain(&a),
    }
}

/// `engine/weights-semantic.toml`'s text.
pub fn source(fitted: &FittedSemantic, sets: &[Set]) -> String {
    let fitted_on: Vec<String> = sets
        .iter()
        .map(|s| format!("{} ({} questions)", s.name, s.items.len()))
        .collect();
    let body = toml_of(fitted);
    format!(
        "# citebot's weights with the semantic reader (`--features semantic`, SEMANTIC_MODEL set): how the\n\
         # passages nearest in meaning join the keyword candidates, and the last stage's weights with\n\
         # the cosine features. Written by `tune --semantic-model DIR --write` (all-MiniLM-L6-v2),\n\
         # fitted from engine/weights.toml's keyword set on the same objective, on\n\
         # {}; read by the engine at compile time\n\
         # (engine/src/search/weights.rs). docs/quality.md gives the figures they reach.\n\n{body}",
        fitted_on.join(" and "),
    )
}

fn toml_of(fitted: &FittedSemantic) -> String {
    let list = |v: &[f32]| {
        v.iter()
            .map(|x| format!("{x:.4}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let w = &fitted.last_stage;
    format!(
        "[fusion]\nrank_constant = {:.1}\nshare = {:.2}\ndepth = {}\n\n\
         [last_stage]\nparagraph = [{}]\nsentence = [{}]\nneighbour = [{}]\nsecond = {:.4}\nanswers = [{}]\nmeaning = [{}]\n",
        fitted.fusion.rank_constant,
        fitted.fusion.share,
        fitted.fusion.depth,
        list(&w.paragraph),
        list(&w.sentence),
        list(&w.neighbour),
        w.second,
        list(&w.answers),
        list(&w.meaning),
    )
}

/// The semantic options of tune.
#[derive(clap::Args, Debug, Clone)]
pub struct SemanticArgs {
    /// Also fit the semantic weight set with this model folder, and with --write write it to
    /// engine/weights-semantic.toml
    #[arg(long, value_name = "DIR")]
    pub semantic_model: Option<PathBuf>,
    /// Where to cache the passages' embeddings (default: .citebot/ in each corpus folder)
    #[arg(long, env = "SEMANTIC_CACHE_DIR", value_name = "DIR")]
    pub semantic_cache: Option<PathBuf>,
    /// Fit only the semantic set, from engine/weights.toml as it is (with --write, only
    /// engine/weights-semantic.toml is written)
    #[arg(long, requires = "semantic_model")]
    pub semantic_only: bool,
    /// Rounds of the semantic set's ascents
    #[arg(long, default_value_t = 4)]
    pub semantic_rounds: usize,
}

/// With `--semantic-model`: reads every set again with the reader and the semantic set of
/// engine/weights-semantic.toml (its fusion), and returns that set's last stage, for the
/// feature dumps; without, `None`.
pub fn read_with_file_set(
    sets: &mut [Set],
    args: &SemanticArgs,
) -> Result<Option<Weights>, String> {
    let Some(model) = &args.semantic_model else {
        return Ok(None);
    };
    read_with_file_fusion(sets, model, args)?;
    Ok(Some(weights::semantic().last_stage.clone()))
}

/// Embeds every set ([`prepare`]) and reads its questions with the file's fusion.
fn read_with_file_fusion(
    sets: &mut [Set],
    model: &Path,
    args: &SemanticArgs,
) -> Result<Questions, String> {
    let questions = prepare(sets, model, args.semantic_cache.as_deref())?;
    read_all(sets, &questions, weights::semantic().fusion);
    Ok(questions)
}

/// With `--semantic-model`: prints the figures of engine/weights-semantic.toml, and unless
/// `check`, fits the semantic set from the keyword set `keyword` (and with `write` writes it).
pub fn run(
    sets: &mut Vec<Set>,
    args: &SemanticArgs,
    keyword: &Weights,
    (check, write, budget, leave_out): (bool, bool, f64, bool),
) -> Result<(), String> {
    let rounds = args.semantic_rounds;
    let Some(model) = &args.semantic_model else {
        return Ok(());
    };
    let mut questions = read_with_file_fusion(sets, model, args)?;
    let file = weights::semantic();
    println!("weights-semantic.toml now (with the reader):");
    super::print(sets, &file.last_stage);
    if check {
        return Ok(());
    }
    let fitted = fit(sets, &questions, keyword, (rounds, budget));
    read_all(sets, &questions, fitted.fusion);
    println!("fitted with the reader:");
    super::print(sets, &fitted.last_stage);
    for (name, value) in citebot_engine::search::evidence::MEANING_FEATURES
        .iter()
        .zip(fitted.last_stage.meaning)
    {
        println!("  meaning: {name:<58} {value:>8.4}");
    }
    if leave_out {
        leave_one_out(sets, &mut questions, keyword, (rounds, budget), &fitted);
    }
    if write {
        let path = Path::new("engine/weights-semantic.toml");
        std::fs::write(path, source(&fitted, sets))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// For each set: the semantic set fitted on the others (from the same keyword set), and the
/// left-out set's figures with it beside its figures with the fit on every set.
fn leave_one_out(
    sets: &mut Vec<Set>,
    questions: &mut Questions,
    keyword: &Weights,
    (rounds, budget): (usize, f64),
    all: &FittedSemantic,
) {
    let mut rows = Vec::new();
    for i in 0..sets.len() {
        let mut left = vec![sets.remove(i)];
        let left_questions = Questions(vec![questions.0.remove(i)]);
        println!("--- semantic fit without {}", left[0].name);
        let fitted = fit(sets, questions, keyword, (rounds, budget));
        read_all(&mut left, &left_questions, fitted.fusion);
        let without = figures(&left[0], &fitted.last_stage);
        read_all(&mut left, &left_questions, all.fusion);
        let with = figures(&left[0], &all.last_stage);
        rows.push((left[0].name.clone(), with, without));
        sets.insert(i, left.remove(0));
        questions
            .0
            .insert(i, left_questions.0.into_iter().next().unwrap_or_default());
    }
    read_all(sets, questions, all.fusion);
    println!(
        "leave one set out with the reader (hit@1 / hit@3 / answerable declined, fitted with the set → without it):"
    );
    for (name, with, without) in rows {
        println!(
            "  {name:<14} {:.3} / {:.3} / {:.3} → {:.3} / {:.3} / {:.3} ({:+.3} hit@1)",
            with.hit1,
            with.hit3,
            with.declined,
            without.hit1,
            without.hit3,
            without.declined,
            without.hit1 - with.hit1
        );
    }
}
