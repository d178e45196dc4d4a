/* msg.h -- the engine's message protocol: every struct and enum that
 * crosses between a front end and the engine.
 *
 * A front end sends a struct eng_cmd and receives struct eng_evt's (the
 * API that carries them is eng.h).  Both are plain data copied by value:
 * fixed-size fields, no pointers into engine memory, and types of their
 * own, so a front end never sees a model, a dataset or a trainer.  The
 * settings (model, fit algorithm, optimiser, schedule, format, item key)
 * are enums here; the engine's modules use the same types for their
 * configurations, so nothing is translated at the boundary.
 *
 * Commands and their replies, by eng_cmd_kind:
 *
 *     LOAD_DATA      LOAD_PROGRESS..., LOADED (eng_summary), CATALOG
 *     TRAIN          TRAIN_START, PROGRESS..., EPOCH per epoch, TRAINED,
 *                    BIASES (a model with biases)
 *     LR_FIND        LR_PROGRESS..., LR_FOUND
 *     STOP           STOPPED (ends a load, a training or a sweep early),
 *                    BIASES when it ended a training
 *     SAVE_MODEL     SAVED;  LOAD_MODEL  MODEL_LOADED, BIASES
 *     ITEM_DETAIL    ITEM_DETAIL;  BIAS_LIST  BIAS_LIST;  SIMILAR  SIMILAR
 *     PCA            PCA;  RECOMMEND, RECOMMEND_META  RECS;  EVAL  METRICS
 *     HISTORY        no reply
 *     IMPORT         IMPORTED, BIASES;  EXPORT  EXPORTED
 *
 * and any command may be answered with ERROR instead.  Replies carry the
 * command's req_id.  The few results too big for a message (CATALOG,
 * BIASES, PCA) carry a pointer to a fresh allocation whose ownership
 * passes to the receiver (eng.h says how to free them).  Everything
 * else is inline, with a fixed cap where the length varies (ENG_TOPN_MAX
 * entries of a ranked list, ENG_RATED_MAX ratings of a RECOMMEND,
 * ENG_LOSS_PTS loss points a PROGRESS, ENG_LR_PTS points of a sweep).
 *
 * Units: ratings are on the dataset's own scale (1..5 for ML-100K);
 * losses are mean squared errors of ratings; times are seconds of wall
 * clock; user and item indices are the dense 0..n-1 ones the engine
 * assigned when the dataset was loaded (eng_catalog maps them to ids and
 * titles).  Only standard headers are included, so this file can be read
 * (and its structs laid out) without the engine.
 */
#ifndef COLLABTUI_MSG_H
#define COLLABTUI_MSG_H

#include <stddef.h>
#include <stdint.h>

/* ---- limits ---------------------------------------------------------- */

#define ENG_PATH_MAX 1024       /* bytes of a path, NUL included */
#define ENG_MSG_MAX 512         /* bytes of an ERROR's message, NUL included */
#define ENG_TOPN_MAX 100        /* entries of a ranked list */
#define ENG_RATED_MAX 256       /* ratings of a RECOMMEND, or of "you" in a TRAIN */
#define ENG_RATING_BINS 10      /* bins of a rating histogram */
#define ENG_SUMMARY_TOP 10      /* most-rated items a summary lists */
#define ENG_SUMMARY_TITLE_MAX 128 /* bytes kept of a title, cut on a UTF-8 boundary */
#define ENG_NN_LAYERS_MAX 4     /* hidden layers of ENG_MODEL_NN */
#define ENG_LOSS_PTS 64         /* loss points a PROGRESS carries */
#define ENG_LR_PTS 256          /* points of a learning-rate sweep */
#define ENG_PROGRESS_MS 100     /* ms: the rate limit of progress events */

/* The name of the built-in demo set (ENG_FMT_DEMO) wherever it is shown:
 * summaries, panes, headless output, the run history. */
#define ENG_DEMO_NAME "demo (synthetic)"

/* Error codes carried by ENG_EVT_ERROR (negative, as the engine returns). */
enum eng_err {
	ENG_OK = 0,
	ENG_EARG = -1,          /* a bad option or hyperparameter */
	ENG_EDATA = -2,         /* bad input data: file, line, what was expected */
	ENG_EIO = -3,           /* a file could not be read or written */
	ENG_ENOMEM = -4,        /* out of memory */
	ENG_ESTATE = -5,        /* not possible now (no dataset, no model, busy) */
	ENG_ECANCELED = -6,     /* a load cancelled (eng_set_cancel); reported
				 * as STOPPED, not as an ERROR */
	ENG_EDIVERGED = -7,     /* training diverged: a loss or a parameter
				 * became NaN or infinite.  The run ends with
				 * this ERROR instead of TRAINED, "diverged at
				 * epoch N, batch M: <hint>" (N as the epoch
				 * table counts, from 0; M the batch of that
				 * epoch, from 1); the model is dropped (there
				 * is none to save or query) and the history
				 * records the run as diverged */
};

/* ---- settings -------------------------------------------------------- */

/* The layout of a dataset on disk. */
enum eng_format {
	ENG_FMT_AUTO = 0,       /* detect from the files in the directory */
	ENG_FMT_ML100K,         /* u.data (+ u.item, u.user, u.genre) */
	ENG_FMT_MLDAT,          /* ratings.dat (+ movies.dat), ML-1M/10M */
	ENG_FMT_MLCSV,          /* ratings.csv (+ movies.csv), ML-20M/25M/latest */
	ENG_FMT_CSV,            /* generic user,item,rating[,timestamp] */
	ENG_FMT_TSV,            /* generic, tab-separated */
	ENG_FMT_DEMO,           /* the built-in demo set, "demo (synthetic)":
				 * generated in memory, the path is ignored */
};

/* What makes two ratings be of one item. */
enum eng_item_key {
	ENG_ITEM_KEY_ID = 0,    /* one item per movie id */
	ENG_ITEM_KEY_TITLE,     /* one item per distinct title (fastai item_name='title') */
};

/* The model, with fastai's semantics (collab.py):
 *   DOT      pred = sum_k U[u,k] I[i,k]
 *   DOTBIAS  pred = sum_k U[u,k] I[i,k] + ub[u] + ib[i]   (EmbeddingDotBias)
 *   NN       embeddings concatenated into a multi-layer perceptron (EmbeddingNN)
 * each optionally squashed by sigmoid_range: lo + (hi - lo) * sigmoid(x). */
enum eng_model_kind {
	ENG_MODEL_DOT = 0,
	ENG_MODEL_DOTBIAS,
	ENG_MODEL_NN,
};

/* How the model is fitted.  ALS and BPMF fit ENG_MODEL_DOTBIAS without
 * y_range; their "epoch" is one sweep over users and items, so their
 * reports have one batch per epoch. */
enum eng_fit {
	ENG_FIT_SGD = 0,        /* mini-batches of an optimiser (fastai's fit) */
	ENG_FIT_ALS,            /* alternating least squares; wd = its ridge weight */
	ENG_FIT_BPMF,           /* Bayesian MF by Gibbs sampling */
	/* The ranking models: a rating means "watched" (implicit feedback),
	 * and what they learn is an order of the unrated items, not a rating.
	 * Each fits ENG_MODEL_DOTBIAS without y_range, so every query works:
	 *   EASE   Steck's item x item linear model: n_factors = n_items, a
	 *          user's factors are the 0/1 row of what they watched, the
	 *          item factors B^T; wd is its lambda; one step.
	 *   IALS   Hu, Koren and Volinsky's implicit ALS: wd is the ridge
	 *          weight, alpha the confidence of a watched item; an epoch
	 *          is one sweep.
	 *   POP    most popular: the item bias is the item's number of
	 *          training ratings, every factor 0; one step. */
	ENG_FIT_EASE,
	ENG_FIT_IALS,
	ENG_FIT_POP,
};

/* The optimiser of ENG_FIT_SGD, as fastai's Adam() and SGD(); ADAROW,
 * LIBMF's per-row adaptive learning rates, is the fast trainer's only. */
enum eng_optim {
	ENG_OPTIM_ADAM = 0,
	ENG_OPTIM_SGD,
	ENG_OPTIM_ADAROW,
};

/* The learning-rate and momentum schedule of ENG_FIT_SGD. */
enum eng_sched {
	ENG_SCHED_ONE_CYCLE = 0,        /* fastai's fit_one_cycle */
	ENG_SCHED_CONSTANT,             /* lr and mom held */
	ENG_SCHED_EXP,                  /* lr_find's sweep; not a setting of its own */
};

/* ---- hyperparameters ------------------------------------------------- */

/* The model's shape.  eng_model_hp_default() gives collab_learner's. */
struct eng_model_hp {
	enum eng_model_kind kind;
	uint32_t n_users;       /* rows of the user embedding; TRAIN: set by the engine */
	uint32_t n_items;       /* rows of the item embedding; TRAIN: set by the engine */
	int n_factors;          /* k >= 1, the embedding width (unused by NN) */
	int use_y_range;        /* 1: apply sigmoid_range(y_lo, y_hi) */
	float y_lo, y_hi;       /* the output range, in rating units */
	/* ENG_MODEL_NN only; zero for the other kinds (its embedding widths
	 * follow fastai's rule, not n_factors). */
	int n_layers;           /* hidden layers, 1..ENG_NN_LAYERS_MAX */
	int layers[ENG_NN_LAYERS_MAX];  /* (n_layers) their widths */
	float emb_drop;         /* dropout probability on the concatenated embeddings */
	float ps;               /* dropout probability after each hidden layer */
};

/* How the model is trained.  eng_train_hp_default() gives the chapter's
 * run: 5 epochs, bs 64, lr 5e-3, wd 0.1, Adam, one-cycle. */
struct eng_train_hp {
	enum eng_fit algo;
	int epochs;             /* >= 1; ALS and BPMF: sweeps */
	int bs;                 /* ratings per mini-batch */
	double lr;              /* lr_max of one-cycle, or the constant lr */
	double wd;              /* decoupled weight decay (ALS: ridge weight) */
	enum eng_optim opt;
	enum eng_sched sched;
	double mom;             /* momentum (Adam beta1) under ENG_SCHED_CONSTANT */
	uint64_t seed;          /* initialisation, shuffling and the random split */
	int threads;            /* optimiser threads; results do not depend on it */
	double alpha;           /* ENG_FIT_IALS: confidence 1 + alpha of a watched item */
};

/* fastai's learning-rate finder (Learner.lr_find): the lr grows
 * exponentially from start_lr to end_lr over num_it batches. */
struct eng_lr_find_hp {
	double start_lr;        /* fastai 1e-7 */
	double end_lr;          /* fastai 10 */
	int num_it;             /* batches, fastai 100; here at most ENG_LR_PTS */
};

/* ---- commands -------------------------------------------------------- */

enum eng_cmd_kind {
	ENG_CMD_LOAD_DATA = 1,  /* load a dataset; LOAD_PROGRESS while it reads,
				 * then LOADED with its summary */
	ENG_CMD_TRAIN,          /* start training; TRAIN_START once the run is
				 * prepared, EPOCH per epoch, then TRAINED */
	ENG_CMD_STOP,           /* stop training after the current batch, or
				 * its preparation at once; STOPPED */
	ENG_CMD_SAVE_MODEL,     /* write the model; SAVED */
	ENG_CMD_LOAD_MODEL,     /* read a model for the loaded dataset; MODEL_LOADED */
	ENG_CMD_ITEM_DETAIL,    /* u.item: one item's rating histogram; ITEM_DETAIL */
	ENG_CMD_BIAS_LIST,      /* u.bias: items by learned bias; BIAS_LIST */
	ENG_CMD_SIMILAR,        /* u.similar: nearest items or users by cosine; SIMILAR */
	ENG_CMD_PCA,            /* u.pca: PCA of the item factors; PCA */
	ENG_CMD_RECOMMEND,      /* u.recommend: fold in a new user; RECS */
	ENG_CMD_RECOMMEND_META, /* u.meta: recommend from age, gender, occupation; RECS */
	ENG_CMD_EVAL,           /* u.eval: the model's metrics on the validation set; METRICS */
	ENG_CMD_HISTORY,        /* u.path: append each training run to this file
				 * (history.h), "" for none (the default); no reply */
	ENG_CMD_LR_FIND,        /* u.lr_find: learning-rate sweep of a fresh model;
				 * LR_PROGRESS, then LR_FOUND (STOP ends it: STOPPED) */
	ENG_CMD_IMPORT,         /* u.import: factors trained elsewhere become the
				 * model (as LOAD_MODEL does); IMPORTED, BIASES */
	ENG_CMD_EXPORT,         /* u.export: write the model's embeddings, biases,
				 * PCA and a run's curves into a directory;
				 * EXPORTED */
};

struct eng_bias_args {
	int top, bottom;        /* how many highest and lowest; top + bottom <= ENG_TOPN_MAX */
	uint32_t min_ratings;   /* leave out items with fewer ratings */
};

struct eng_similar_args {
	int users;              /* 0: items, 1: users */
	uint32_t index;         /* the item (or user) index to compare with */
	int k;                  /* neighbours, 1..ENG_TOPN_MAX */
};

struct eng_pca_args {
	uint32_t top_n;         /* project the top_n most-rated items; 0: all */
	int n_comp;             /* components to project on, 1..k */
};

/* One rating of a user who is not in the dataset. */
struct eng_rating {
	uint32_t item;          /* item index */
	float rating;           /* on the dataset's scale */
};

struct eng_recommend_args {
	int top;                /* 1..ENG_TOPN_MAX */
	int n;                  /* ratings in use, 0..ENG_RATED_MAX */
	struct eng_rating r[ENG_RATED_MAX];     /* (n) */
};

struct eng_meta_args {
	int top;                /* 1..ENG_TOPN_MAX */
	int age;                /* years */
	char gender[8];         /* "M", "F" in ML-100K */
	char occupation[32];    /* a u.occupation word: "engineer", "student", ... */
};

struct eng_load_args {
	char path[ENG_PATH_MAX];        /* a directory, or a ratings file for CSV/TSV */
	enum eng_format format;
	enum eng_item_key item_key;
	char split[8];          /* "" or "u1".."u5", "ua", "ub" */
	/* 1: the front end looks up no movie (`collabtui summary`, `train`,
	 * `lr-find`): no CATALOG event, and the queries' per-item statistics
	 * wait for the first query.  Each is a pass over every rating, 0.15 s
	 * on 25M. */
	int summary_only;
	/* Threads that parse a ratings file of 8 MiB or more (dataset.h's
	 * ds_opts.threads): 1 for one, 0 for the loader's choice (two). */
	int threads;
};

struct eng_train_args {
	struct eng_model_hp model;      /* n_users/n_items are filled in by the engine */
	struct eng_train_hp train;
	double valid_pct;       /* random hold-out share, 0..1, unless the dataset has a split */
	int resume;             /* 1: start from the current model, not a fresh init */
	int fast;               /* 1: the fast trainer (per-rating SGD or Adam), not fastai's fit */
	/* folds >= 2: validate on fold `fold` (0..folds-1) of a K-fold split
	 * of the ratings, seeded by train.seed, instead of a valid_pct
	 * hold-out. */
	int folds, fold;
	/* 1: the valid_pct hold-out is drawn per user (Microsoft Recommenders'
	 * python_stratified_split): each user's ratings shuffled, the first
	 * round(share) of them validate.  Ignored with folds or a file split. */
	int per_user;
	/* "Retrain with you included": when n_mine > 0, these ratings join the
	 * training set as one more user.  Their row is dropped from the model
	 * when training ends, so the model keeps the dataset's shape (what is
	 * saved, exported and compared is the dataset's users); the engine
	 * keeps that row aside, and a RECOMMEND with exactly these ratings is
	 * answered from it (ENG_RECS_TRAINED) until the model changes. */
	int n_mine;             /* 0..ENG_RATED_MAX */
	struct eng_rating mine[ENG_RATED_MAX];  /* (n_mine) */
};

struct eng_eval_args {
	int k;                  /* ranking list length, >= 1 (10) */
	float relevant;         /* held-out ratings >= this are relevant (4) */
	int clip;               /* 1: clip predictions to the dataset's rating range */
};

/* LR_FIND: the settings of a TRAIN -- the model's shape, batch size,
 * optimiser, weight decay, momentum (held constant), seed and split; not
 * epochs, lr or schedule, which the sweep replaces; no resume, no "you" --
 * and the sweep.  The engine's current model is not touched: a fresh one
 * of that shape is swept and thrown away. */
struct eng_lr_find_args {
	struct eng_train_args train;
	struct eng_lr_find_hp sweep;
};

/* IMPORT: where the factors are (factors trained elsewhere: Spark's
 * write.json directory, CSV id,f1..fk[,bias], or .npy with its keys in
 * user_ids.txt / item_ids.txt -- item_titles.txt under the title key --
 * beside it).  The model is dot without biases, dotbias with any. */
struct eng_import_args {
	char user_factors[ENG_PATH_MAX];
	char item_factors[ENG_PATH_MAX];
	char user_bias[ENG_PATH_MAX];   /* "" for none */
	char item_bias[ENG_PATH_MAX];   /* "" for none */
	double global_bias;     /* added into every item bias; NAN for none */
	int use_y_range;        /* 1: the model applies sigmoid_range(y_lo, y_hi) */
	float y_lo, y_hi;
};

/* EXPORT: into an existing directory; the curves of run `run` of the
 * history file (HISTORY's path) on this dataset, numbered from 1 oldest
 * first as `collabtui runs` numbers them, or with run 0 of the run
 * trained last in this engine (none after LOAD_MODEL or IMPORT). */
struct eng_export_args {
	char dir[ENG_PATH_MAX];
	uint32_t run;
};

struct eng_cmd {
	enum eng_cmd_kind kind;
	uint32_t req_id;        /* echoed by every event the command causes */
	union {
		struct eng_load_args load;
		struct eng_train_args train;
		char path[ENG_PATH_MAX];        /* SAVE_MODEL, LOAD_MODEL, HISTORY */
		uint32_t item;                  /* ITEM_DETAIL: item index */
		struct eng_bias_args bias;
		struct eng_similar_args similar;
		struct eng_pca_args pca;
		struct eng_recommend_args recommend;
		struct eng_meta_args meta;
		struct eng_eval_args eval;
		struct eng_lr_find_args lr_find;
		struct eng_import_args import;
		struct eng_export_args export;
	} u;
};

/* ---- results --------------------------------------------------------- */

/* Descriptive statistics of a loaded dataset (LOADED).  Titles are
 * copied in, so it holds no pointer. */
struct eng_summary {
	char name[64];          /* the directory's or file's base name */
	char format[16];        /* the format's name: "ml-100k", "csv", ... */
	uint32_t n_users, n_items;
	uint64_t n_ratings;
	double density;         /* n_ratings / (n_users * n_items) */
	double mean;            /* mean rating */
	float rating_min, rating_max;
	/* One bin per distinct rating value when there are at most
	 * ENG_RATING_BINS of them (1..5, or 0.5..5 by halves), else
	 * equal-width bins over [rating_min, rating_max]. */
	int n_bins;                             /* at most ENG_RATING_BINS */
	float bin_lo[ENG_RATING_BINS];          /* (n_bins) each bin's lower edge */
	uint64_t bin_count[ENG_RATING_BINS];    /* (n_bins) ratings in each */
	/* Ratings per user and per item. */
	uint32_t user_min, user_median, user_max;
	uint32_t item_min, item_median, item_max;
	/* The most-rated items, most first. */
	int n_top;                              /* 0..ENG_SUMMARY_TOP */
	uint32_t top_item[ENG_SUMMARY_TOP];     /* (n_top) item indices */
	uint32_t top_count[ENG_SUMMARY_TOP];    /* (n_top) their ratings */
	char top_title[ENG_SUMMARY_TOP][ENG_SUMMARY_TITLE_MAX]; /* (n_top) UTF-8 */
};

/* Where training is.  The first block is current in every report; the
 * second is filled when an epoch has just ended (EPOCH, TRAINED). */
struct eng_train_report {
	int epoch;              /* 0-based epoch in progress (or just ended) */
	long batch;             /* batches done in this epoch */
	long n_batches;         /* batches per epoch */
	double lr, mom;         /* of the last step */
	double batch_loss;      /* MSE of the last batch */
	double smooth_loss;     /* fastai's smoothed training loss */

	double train_loss;      /* smoothed loss at the epoch's end */
	double valid_loss;      /* validation MSE; NAN without a validation set */
	double seconds;         /* wall time of the epoch, validation included */
};

/* PROGRESS's share of the loss curve: the smoothed training loss at
 * batches first, first + stride, ... (n points).  Points are taken every
 * `stride` batches, with the stride chosen so a whole run has at most
 * ~1024 of them. */
struct eng_curve {
	long first;             /* global batch index of loss[0] (0-based) */
	long stride;            /* batches between two points */
	int n;                  /* 0..ENG_LOSS_PTS */
	float loss[ENG_LOSS_PTS];       /* (n) */
};

/* Error of the predicted ratings on the held-out ones (METRICS). */
struct eng_metrics_err {
	size_t n;               /* ratings scored */
	double mse, rmse, mae;  /* rating units (squared for mse) */
};

/* Ranking quality (METRICS): for each user with at least one relevant
 * held-out rating, the top k items among those the user did not rate in
 * training; means over those users. */
struct eng_metrics_rank {
	uint32_t n_users;       /* users ranked: those with a relevant held-out item */
	double precision, recall, ndcg; /* @k, 0..1 */
	double map;             /* Microsoft Recommenders' map_at_k: per user the
				 * sum over hits of hits-so-far / rank, divided by
				 * the number of relevant items */
	double coverage;        /* distinct recommended items / n_items */
	double popularity;      /* mean training ratings of a recommended item */
	double pop_share;       /* share of the lists' entries among the 10%
				 * most-rated items (by training ratings) */
};

/* One item as the movie browser shows it; strings point into the
 * catalogue's own storage. */
struct eng_item {
	const char *title;      /* UTF-8 */
	const char *genres;     /* "A|B", "" when unknown */
	uint64_t id;            /* the dataset's own id (smallest one for a merged title) */
	int year;               /* from "(1995)" at the title's end; 0 if none */
	uint32_t n_ratings;     /* in the whole dataset */
	float mean;             /* mean rating; NAN with no ratings */
};

/* Every item of the loaded dataset, by dense item index (CATALOG). */
struct eng_catalog {
	uint32_t n_items;
	struct eng_item *items;         /* (n_items) */
	char *strings;                  /* storage of all titles and genres */
};

/* The learned item biases of the current model, by item index (BIASES). */
struct eng_biases {
	uint32_t n_items;
	float *item_bias;               /* (n_items) */
};

/* The PCA of the item factors, for the embedding map (PCA). */
struct eng_pca {
	int k;                          /* factors (= components available) */
	int n_comp;                     /* components projected on */
	float *share;                   /* (k) share of variance per component, descending */
	uint32_t n;                     /* items projected */
	uint32_t *items;                /* (n) item indices, most-rated first */
	float *proj;                    /* (n, n_comp) row-major coordinates */
};

/* One entry of a ranked list: an item (or, for similar users, a user). */
struct eng_ranked {
	uint32_t idx;           /* item (or user) index */
	float score;            /* BIAS_LIST: bias; SIMILAR: cosine; RECS: predicted rating */
	float mean;             /* its mean rating in the dataset, NAN with none */
	uint32_t n_ratings;     /* its number of ratings */
	uint32_t because;       /* RECS from ratings: the rated item most similar
				 * to this one; UINT32_MAX otherwise */
};

struct eng_bias_list {
	uint32_t min_ratings;   /* as asked */
	int n_top, n_bottom;    /* e[0..n_top) highest first, then n_bottom lowest first */
	struct eng_ranked e[ENG_TOPN_MAX];      /* (n_top + n_bottom) */
};

struct eng_similar {
	int users;              /* 1 when the entries are users */
	uint32_t query;         /* the index compared with */
	int n;                  /* 0..ENG_TOPN_MAX */
	struct eng_ranked e[ENG_TOPN_MAX];      /* (n) most similar first */
};

enum eng_recs_basis {
	ENG_RECS_FOLDIN = 1,    /* the ratings folded in as a new user */
	ENG_RECS_META,          /* the user predicted from age, gender, occupation */
	ENG_RECS_POPULAR,       /* no trained model (or no metadata): items by
				 * their mean rating shrunk towards the global
				 * mean, which favours well-liked, much-rated ones */
	ENG_RECS_RANKED,        /* the ratings folded into a ranking model (ease,
				 * ials, pop): the ones at or above the middle of
				 * the scale as "watched", the lower ones as "not
				 * for me"; scores order the list and are not
				 * ratings; `because` is the liked movie that
				 * added most to the score */
	ENG_RECS_TRAINED,       /* the ratings were trained in: a TRAIN with
				 * exactly these ratings as "you" (n_mine)
				 * made the current model, and the row it
				 * learned for you scores the list -- no
				 * fold-in */
};

#define ENG_RECS_UNKNOWN_GENDER 1       /* not a gender of the dataset */
#define ENG_RECS_UNKNOWN_OCCUPATION 2   /* not an occupation of the dataset */

#define ENG_COVERAGE_K 10       /* the list length eng_recs.coverage counts */

struct eng_recs {
	enum eng_recs_basis basis;
	int n_rated;            /* ratings used (FOLDIN, TRAINED, RANKED) */
	int n_trained;          /* FOLDIN: when the current model was trained
				 * with your ratings but these differ (you
				 * rated since), how many it was trained
				 * with; else 0 */
	int unknown;            /* META: ENG_RECS_UNKNOWN_* bits */
	float lambda_f, lambda_b;/* FOLDIN: the ridge prior's weights on factors, bias */
	float pop_share;        /* share of e[] among the 10% most-rated items, 0..1 */
	/* With a model: the share of the items that appear in the top
	 * ENG_COVERAGE_K lists the model gives the dataset's users (each
	 * list without the user's rated items), over coverage_lists users:
	 * every user, or an evenly spaced sample on a big dataset.
	 * coverage_lists 0: not known (no model, or no memory for it). */
	float coverage;
	uint32_t coverage_lists;
	char model[16];         /* the model that ranked: "ease", "dotbias", ... */
	int n_liked;            /* RANKED: ratings folded in as watched */
	char note[128];         /* POPULAR: why there was no better basis */
	int n;                  /* 0..ENG_TOPN_MAX */
	struct eng_ranked e[ENG_TOPN_MAX];      /* (n) best first */
};

/* One item's ratings, for the movie details view. */
struct eng_detail {
	uint32_t item;          /* item index */
	uint32_t n_ratings;
	float mean;             /* NAN with no ratings */
	int n_bins;             /* the dataset summary's histogram bins */
	float bin_lo[ENG_RATING_BINS];          /* (n_bins) each bin's lower edge */
	uint32_t bin_count[ENG_RATING_BINS];    /* (n_bins) this item's ratings in each */
};

/* The steps of a load, in order. */
enum eng_load_phase {
	ENG_LOAD_READ = 1,      /* parsing the ratings file: done of total bytes */
	ENG_LOAD_INDEX,         /* dense ids, titles and user data */
	ENG_LOAD_SUMMARY,       /* the summary and the item catalogue */
};

struct eng_load_progress {
	enum eng_load_phase phase;
	uint64_t done, total;   /* bytes of the ratings file; total 0 when unknown */
	double seconds;         /* since the load began */
};

/* The learning-rate finder's suggestions (fastai's valley and steep). */
struct eng_lr_suggest {
	int valley;             /* index of the valley point; -1 when too few points */
	int steep;              /* index of the steepest point; -1 likewise */
};

/* A learning-rate sweep's curve: point j is (lr[j], smoothed loss[j]). */
struct eng_lr_curve {
	int num_it;             /* batches the sweep was asked for */
	int n;                  /* points so far, 0..ENG_LR_PTS */
	int diverged;           /* LR_FOUND: 1 when it stopped on a diverging loss */
	struct eng_lr_suggest suggest;  /* LR_FOUND: indices, -1 when none */
	float lr[ENG_LR_PTS];           /* (n) */
	float loss[ENG_LR_PTS];         /* (n) */
};

/* ---- events ---------------------------------------------------------- */

enum eng_evt_kind {
	ENG_EVT_LOADED = 1,     /* u.summary */
	ENG_EVT_TRAIN_START,    /* u.train.report: n_batches set; training began */
	ENG_EVT_PROGRESS,       /* u.train: after the first step, then at most
				 * every ENG_PROGRESS_MS */
	ENG_EVT_EPOCH,          /* u.train with the epoch's losses and time */
	ENG_EVT_TRAINED,        /* u.train of the last epoch; training ended */
	ENG_EVT_STOPPED,        /* training (or its preparation, or a load)
				 * stopped early by ENG_CMD_STOP */
	ENG_EVT_SAVED,
	ENG_EVT_MODEL_LOADED,   /* u.model_info: the loaded model's shape and
				 * what its file says trained it */
	ENG_EVT_ERROR,          /* u.error */
	ENG_EVT_CATALOG,        /* u.catalog (owned by the receiver), after LOADED
				 * unless the load was summary_only */
	ENG_EVT_BIASES,         /* u.biases (owned by the receiver): after a dotbias
				 * model is trained, stopped or loaded */
	ENG_EVT_ITEM_DETAIL,    /* u.detail */
	ENG_EVT_BIAS_LIST,      /* u.bias_list */
	ENG_EVT_SIMILAR,        /* u.similar */
	ENG_EVT_PCA,            /* u.pca (owned by the receiver) */
	ENG_EVT_RECS,           /* u.recs: reply to RECOMMEND and RECOMMEND_META */
	ENG_EVT_METRICS,        /* u.metrics: reply to EVAL */
	ENG_EVT_LR_PROGRESS,    /* u.lr: the sweep's curve so far, at most every
				 * ENG_PROGRESS_MS (droppable: the next has it all) */
	ENG_EVT_LR_FOUND,       /* u.lr: the whole curve and the suggestions */
	ENG_EVT_LOAD_PROGRESS,  /* u.load: how far LOAD_DATA is, at most every
				 * ENG_PROGRESS_MS and only once it has taken that
				 * long (droppable: the next says it all) */
	ENG_EVT_IMPORTED,       /* u.imported: the imported model's shape */
	ENG_EVT_EXPORTED,       /* u.exported: what EXPORT wrote */
};

/* What an IMPORT made (IMPORTED). */
struct eng_imported {
	enum eng_model_kind kind;
	uint32_t n_users, n_items;
	int n_factors;
};

/* A loaded model (MODEL_LOADED): its shape, and the settings its file
 * says trained it, so that a front end can show them, and train with
 * them again. */
struct eng_model_info {
	struct eng_model_hp shape;      /* as trained; n_users, n_items the dataset's */
	int n_factors;          /* the factors setting that trained this shape
				 * (bpmf keeps several samples of that many);
				 * 0 for a fit with no such setting (ease, pop) */
	int has_train;          /* 1: `train` and valid_pct are the file's;
				 * 0: it has none (imported, or an older file) */
	/* The training settings the file names: algo (ENG_FIT_SGD unless it
	 * names another), epochs asked for, bs, lr, wd, alpha (a fit's
	 * confidence), opt, sched; the others eng_train_hp_default()'s. */
	struct eng_train_hp train;
	double valid_pct;
	int epochs_done;        /* epochs trained */
	double valid_loss;      /* the last validation MSE, NAN when none */
};

/* What an EXPORT wrote (EXPORTED). */
struct eng_exported {
	int n_files;
	int curves;             /* 1: curves.csv was written */
	char dir[ENG_PATH_MAX];
};

struct eng_evt {
	enum eng_evt_kind kind;
	uint32_t req_id;        /* of the command that caused it */
	union {
		struct eng_summary summary;
		struct {
			struct eng_train_report report;
			struct eng_curve curve; /* PROGRESS, EPOCH, TRAINED only */
		} train;
		struct eng_catalog *catalog;
		struct eng_biases *biases;
		struct eng_detail detail;
		struct eng_bias_list bias_list;
		struct eng_similar similar;
		struct eng_pca *pca;
		struct eng_recs recs;
		struct eng_lr_curve lr;
		struct eng_load_progress load;
		struct eng_imported imported;
		struct eng_exported exported;
		struct eng_model_info model_info;
		struct {
			struct eng_metrics_err err;
			struct eng_metrics_rank rank;
			int k;                  /* the ranking's list length */
		} metrics;
		struct {
			int code;               /* enum eng_err */
			char msg[ENG_MSG_MAX];  /* what went wrong, one line */
		} error;
	} u;
};

#endif
