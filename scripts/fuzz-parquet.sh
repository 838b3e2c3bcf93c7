#!/usr/bin/env bash
# Fuzz the Parquet reader with libFuzzer (Swift's -sanitize=fuzzer, plus AddressSanitizer).
#   usage: scripts/fuzz-parquet.sh [SECONDS] [JOBS]     (default 120 s, 1 job)
# Builds .build-fuzz/parquet-fuzz from Sources/SluiceCore + Sources/Parquet + scripts/fuzz/ParquetFuzzEntry.swift,
# seeds a corpus from Tests/ParquetTests/Fixtures (golden files, committed fuzz inputs) and small files of
# ../shared/parquet-testing, and runs for SECONDS. Crashes land in .build-fuzz/artifacts/; new interesting inputs
# in .build-fuzz/corpus/. Small ones worth keeping go to Tests/ParquetTests/Fixtures/fuzz/ (replayed by
# FuzzCorpusReplayTests on every test run): `scripts/fuzz-parquet.sh --minimize` merges the run's corpus into
# a minimal set of inputs cut to 512 bytes and adds them there.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=.build-fuzz
mkdir -p "$OUT/obj" "$OUT/corpus" "$OUT/artifacts"
SECONDS_TO_RUN=${1:-120}
JOBS=${2:-1}
FEATURES=(-enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault
          -enable-upcoming-feature MemberImportVisibility)
CMODULES=()
for lib in CSnappy CZstd CZlib CLZ4 CBrotli; do CMODULES+=(-I "Sources/$lib"); done

if [[ ! -x "$OUT/parquet-fuzz" || -n "$(find Sources/Parquet Sources/SluiceCore scripts/fuzz -newer "$OUT/parquet-fuzz" -name '*.swift' | head -1)" ]]; then
    echo "building $OUT/parquet-fuzz" >&2
    swiftc -O -g -parse-as-library -swift-version 6 "${FEATURES[@]}" -sanitize=fuzzer,address \
        -module-name SluiceCore -emit-module -emit-module-path "$OUT/obj/SluiceCore.swiftmodule" \
        -emit-library -static -o "$OUT/obj/libSluiceCore.a" Sources/SluiceCore/*.swift
    swiftc -O -g -parse-as-library -swift-version 6 "${FEATURES[@]}" -sanitize=fuzzer,address \
        -module-name Parquet -I "$OUT/obj" "${CMODULES[@]}" \
        $(find Sources/Parquet -name '*.swift' | sort) scripts/fuzz/ParquetFuzzEntry.swift \
        -L "$OUT/obj" -lSluiceCore -lsnappy -lzstd -lz -llz4 -lbrotlidec -o "$OUT/parquet-fuzz"
fi

SEEDS="$OUT/seeds"
mkdir -p "$SEEDS"
cp Tests/ParquetTests/Fixtures/golden/*.parquet "$SEEDS/" 2>/dev/null || true
cp Tests/ParquetTests/Fixtures/fuzz/* "$SEEDS/" 2>/dev/null || true
if [[ -d ../shared/parquet-testing ]]; then
    find ../shared/parquet-testing -name '*.parquet' -size -64k -exec cp {} "$SEEDS/" \;
fi

if [[ "${1:-}" == "--minimize" ]]; then
    # Keep a minimal set of small inputs that cover what the run's corpus covers.
    mkdir -p "$OUT/minimized"
    rm -f "$OUT/minimized"/*
    ASAN_OPTIONS=detect_leaks=0 "$OUT/parquet-fuzz" -merge=1 -max_len=512 "$OUT/minimized" "$OUT/corpus" "$SEEDS" >&2
    cp "$OUT/minimized"/* Tests/ParquetTests/Fixtures/fuzz/
    ls Tests/ParquetTests/Fixtures/fuzz | wc -l
    exit 0
fi

PARALLEL=()
if (( JOBS > 1 )); then PARALLEL=(-jobs="$JOBS" -workers="$JOBS"); fi
cd "$OUT"   # libFuzzer writes its per-job logs into the working directory
ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 ./parquet-fuzz corpus seeds \
    -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 -max_len=65536 \
    "${PARALLEL[@]}" -artifact_prefix=artifacts/ -print_final_stats=1
ls artifacts | grep -q . && { echo "crashes found: $(ls artifacts)" >&2; exit 1; } || true
