#!/usr/bin/env python3
"""spark_als.py -- train Spark MLlib's ALS on a MovieLens-format ratings
file with the chapter's settings, report its RMSE on a random split, and
write the factors for `collabtui import`.

NOT RUN HERE: Spark cannot be installed on the machine collabtui is
developed on.  The output layout it relies on (model.userFactors.write.json)
is what collabtui's importer is tested against, with hand-written files in
that layout (tests/fixtures/spark-als).  Check the numbers on your cluster.

    spark-submit scripts/spark_als.py --ratings ratings.csv --out als/ \\
        --factors 50 --wd 0.1 --epochs 5 --seed 42
    collabtui import --data DIR --user-factors als/userFactors \\
        --item-factors als/itemFactors --y-range none --save als.bin

The chapter's settings, mapped:
    --factors  (n_factors)  -> rank
    --wd       (wd)         -> regParam (ALS's L2 weight; not fastai's
                               decoupled weight decay, so the best value
                               differs)
    --epochs   (epochs)     -> maxIter (alternating sweeps)
    --seed                  -> seed of the split and of ALS
    --valid-pct (0.2)       -> the random hold-out the RMSE is measured on
ALS has no biases and no sigmoid: import with --y-range none.

The ratings file: MovieLens's ratings.csv (userId,movieId,rating,timestamp
with a header), or u.data (tab-separated, no header) with --sep '\\t'.
"""
import argparse
import sys


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--ratings', required=True)
    ap.add_argument('--out', required=True, help='directory for userFactors/ and itemFactors/')
    ap.add_argument('--sep', default=',')
    ap.add_argument('--factors', type=int, default=50)
    ap.add_argument('--wd', type=float, default=0.1)
    ap.add_argument('--epochs', type=int, default=5)
    ap.add_argument('--seed', type=int, default=42)
    ap.add_argument('--valid-pct', type=float, default=0.2)
    args = ap.parse_args(argv)

    from pyspark.ml.evaluation import RegressionEvaluator
    from pyspark.ml.recommendation import ALS
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = SparkSession.builder.appName('collabtui-als').getOrCreate()
    header = args.sep == ','
    df = spark.read.csv(args.ratings, sep=args.sep, header=header, inferSchema=True)
    cols = df.columns
    df = df.select(F.col(cols[0]).cast('int').alias('user'),
                   F.col(cols[1]).cast('int').alias('item'),
                   F.col(cols[2]).cast('float').alias('rating'))
    train, valid = df.randomSplit([1.0 - args.valid_pct, args.valid_pct], seed=args.seed)
    als = ALS(rank=args.factors, regParam=args.wd, maxIter=args.epochs, seed=args.seed,
              userCol='user', itemCol='item', ratingCol='rating',
              coldStartStrategy='drop', nonnegative=False)
    model = als.fit(train)
    rmse = RegressionEvaluator(metricName='rmse', labelCol='rating',
                               predictionCol='prediction').evaluate(model.transform(valid))
    print(f'valid RMSE {rmse:.4f} (MSE {rmse * rmse:.4f}, as collabtui\'s valid_loss) on '
          f'{args.valid_pct:.0%} of the ratings, seed {args.seed}')
    # every user and item of the file must have factors for collabtui to
    # accept them: refit on all ratings before writing
    model = als.fit(df)
    model.userFactors.write.mode('overwrite').json(args.out.rstrip('/') + '/userFactors')
    model.itemFactors.write.mode('overwrite').json(args.out.rstrip('/') + '/itemFactors')
    print(f'wrote {args.out}/userFactors and {args.out}/itemFactors')
    spark.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
