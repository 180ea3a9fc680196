#!/usr/bin/env python3
"""Face meshes for very many photos on an Apache Spark cluster, by piping partitions through `facemesh batch`.

Each partition of the input list runs one `facemesh batch -` process (RDD.pipe: paths in on stdin, one JSON line per
photo out on stdout), and every partition becomes one part file of OUTPUT/run-<time>/ (saveAsTextFile). A rerun
first reads the paths already present in OUTPUT/run-*/part-* and processes only the others, so an interrupted or
failed job is finished by running it again (per-photo error lines count as done, as in `facemesh batch`).

Inputs:
  --manifest FILE   a text file of paths, one per line (any Hadoop URI Spark can read; the paths themselves must be
                    readable by the executors as local files, e.g. a shared file system).
  --folder DIR      a local or shared folder, listed recursively on the driver (.jpg .jpeg .png .webp, any case).
  --binary-files URI  photos that are not local files (s3a://, gs://, hdfs://, or a glob): Spark reads their bytes
                    (SparkContext.binaryFiles) and streams them to `facemesh batch --stdin-format base64-jsonl -`;
                    the output's "path" is Spark's URI of the file.

See Tools/spark/README.md for spark-submit on a cluster (shipping the binary and Weights/) and for Ray.
"""

import argparse
import base64
import datetime
import json
import os
import re
import shlex
import sys

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}
# The leading "path" field of an output line; facemesh writes it first, as a JSON string.
PATH_FIELD = re.compile(r'^\{"path":("(?:[^"\\]|\\.)*")')


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--manifest", help="text file (any Spark-readable URI) with one local/shared path per line")
    source.add_argument("--folder", help="local or shared folder, listed recursively on the driver")
    source.add_argument("--binary-files", help="URI or glob of photos read by Spark (object storage, HDFS)")
    parser.add_argument("--output", required=True, help="output folder (any Hadoop URI); runs go to OUTPUT/run-*/")
    parser.add_argument("--partitions", type=int, default=0,
                        help="partitions (= facemesh processes); default: inputs / 1000, at least the default parallelism")
    parser.add_argument("--facemesh", default="facemesh",
                        help="the facemesh binary as the executors see it (absolute, or relative to their working "
                             "directory, e.g. an unpacked --archives bundle)")
    parser.add_argument("--weights", default="",
                        help="Weights/ folder as the executors see it (sets FACEMESH_WEIGHTS_DIR)")
    parser.add_argument("--jobs-per-task", type=int, default=1,
                        help="facemesh --jobs per partition; match it with spark.task.cpus")
    parser.add_argument("--facemesh-options", default="",
                        help="further `facemesh batch` options, e.g. \"--model mesh --max-faces 4\"")
    parser.add_argument("--gzip", action="store_true",
                        help="compress the part files (about 4x smaller; reruns read them the same way)")
    parser.add_argument("--master", default=None, help="Spark master when not given by spark-submit, e.g. local[2]")
    return parser.parse_args(argv)


def list_folder(folder):
    """Every image file below `folder`, by extension (case-insensitive), as paths joined like facemesh does."""
    prefix = folder.rstrip("/")
    paths = []
    for directory, _, names in os.walk(prefix):
        for name in names:
            if os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS:
                paths.append(os.path.join(directory, name))
    return paths


def output_path(line):
    """The "path" of one facemesh output line (None for anything else)."""
    match = PATH_FIELD.match(line)
    return json.loads(match.group(1)) if match else None


def hadoop_glob(spark_context, pattern):
    """Paths matching a Hadoop glob (empty when none), through the JVM's FileSystem API."""
    jvm = spark_context._jvm
    path = jvm.org.apache.hadoop.fs.Path(pattern)
    statuses = path.getFileSystem(spark_context._jsc.hadoopConfiguration()).globStatus(path)
    return [status.getPath().toString() for status in (statuses or [])]


def done_paths(spark_context, output):
    """An RDD of the input paths that earlier runs already wrote a line for (None when there is no earlier run)."""
    parts = hadoop_glob(spark_context, output.rstrip("/") + "/run-*/part-*")
    if not parts:
        return None
    return spark_context.textFile(",".join(parts)).map(output_path).filter(lambda path: path is not None)


def facemesh_command(arguments, stdin_format):
    command = [arguments.facemesh, "batch", "-", "--jobs", str(arguments.jobs_per_task)]
    if stdin_format != "paths":
        command += ["--stdin-format", stdin_format]
    command += shlex.split(arguments.facemesh_options)
    return " ".join(shlex.quote(part) for part in command)


def facemesh_environment(arguments):
    """RDD.pipe starts the command with exactly this environment."""
    environment = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    if arguments.weights:
        environment["FACEMESH_WEIGHTS_DIR"] = arguments.weights
    return environment


def to_base64_line(record):
    path, data = record
    return json.dumps({"path": path, "data": base64.b64encode(data).decode("ascii")})


def main(argv=None):
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    from pyspark import SparkConf, SparkContext

    configuration = SparkConf().setAppName("facemesh-batch")
    if arguments.master:
        configuration.setMaster(arguments.master)
    spark_context = SparkContext.getOrCreate(configuration)
    spark_context.setLogLevel("WARN")
    started = datetime.datetime.now(datetime.timezone.utc)
    run_directory = arguments.output.rstrip("/") + "/run-" + started.strftime("%Y%m%d-%H%M%S-%f")
    done = done_paths(spark_context, arguments.output)
    parallelism = spark_context.defaultParallelism

    if arguments.binary_files:
        partitions = arguments.partitions or parallelism
        photos = spark_context.binaryFiles(arguments.binary_files, minPartitions=partitions)
        if done is not None:
            # The bytes stay where they were read: only the (small) set of finished paths travels, as a broadcast.
            finished = spark_context.broadcast(set(done.collect()))
            photos = photos.filter(lambda record: record[0] not in finished.value)
        inputs = photos.map(to_base64_line)
        stdin_format = "base64-jsonl"
        count = None
    else:
        if arguments.manifest:
            paths = spark_context.textFile(arguments.manifest).map(lambda line: line.strip()).filter(bool)
        else:
            paths = spark_context.parallelize(sorted(list_folder(arguments.folder)), parallelism)
        paths = paths.distinct()
        if done is not None:
            paths = paths.map(lambda path: (path, None)).subtractByKey(done.map(lambda path: (path, None))).keys()
        paths = paths.cache()
        count = paths.count()
        if count == 0:
            print(json.dumps({"run": None, "inputs": 0, "lines": 0, "errors": 0, "note": "nothing left to do"}))
            spark_context.stop()
            return
        partitions = arguments.partitions or max(parallelism, -(-count // 1000))
        # Sorted within the job so that part files (and facemesh's shards) follow path order.
        inputs = paths.sortBy(lambda path: path, numPartitions=max(1, min(partitions, count or 1)))
        stdin_format = "paths"

    lines = spark_context.accumulator(0)
    errors = spark_context.accumulator(0)

    def tally(line):
        lines.add(1)
        if '"faces":' not in line:
            errors.add(1)
        return line

    command = facemesh_command(arguments, stdin_format)
    codec = "org.apache.hadoop.io.compress.GzipCodec" if arguments.gzip else None
    inputs.pipe(command, env=facemesh_environment(arguments), checkCode=True).map(tally) \
        .saveAsTextFile(run_directory, compressionCodecClass=codec)
    seconds = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()
    print(json.dumps({"run": run_directory, "command": command, "inputs": count, "lines": lines.value,
                      "errors": errors.value, "seconds": round(seconds, 2),
                      "photosPerSecond": round(lines.value / seconds, 2) if seconds > 0 else None}))
    spark_context.stop()


if __name__ == "__main__":
    main()
