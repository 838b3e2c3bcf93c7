#!/usr/bin/env bash
# Fuzz the COPY BINARY decoder with libFuzzer (Swift's -sanitize=fuzzer, plus AddressSanitizer).
#   usage: scripts/fuzz-copy.sh [SECONDS] [JOBS]     (default 120 s, 1 job)
#          scripts/fuzz-copy.sh --minimize           (merge the run's corpus into Tests/PostgresSourceTests/Fixtures/copy-fuzz)
# Builds .build-fuzz/copy-fuzz from Sources/SluiceCore, the decoder's pure files of Sources/PostgresSource (no
# libpq: the decoder does no IO) and scripts/fuzz/CopyFuzzEntry.swift; seeds from the committed corpus in
# Tests/PostgresSourceTests/Fixtures/copy-fuzz (replayed by CopyFuzzCorpusTests on every test run). Crashes land
# in .build-fuzz/copy-artifacts/, new interesting inputs in .build-fuzz/copy-corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.build-fuzz
CORPUS=Tests/PostgresSourceTests/Fixtures/copy-fuzz
mkdir -p "$OUT/copy-obj" "$OUT/copy-corpus" "$OUT/copy-artifacts" "$CORPUS"
FEATURES=(-enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault
          -enable-upcoming-feature MemberImportVisibility)
PURE=(ArrayJSON ColumnConversion ColumnStore CopyBinaryDecoder CopyBinaryDecoder+Values CopyDecodeOptions NumericBinary
      PostgresErrorCodes PostgresText PostgresTypeOID SourceKind)
SOURCES=()
for f in "${PURE[@]}"; do SOURCES+=("Sources/PostgresSource/$f.swift"); done

if [[ ! -x "$OUT/copy-fuzz" || -n "$(find Sources/PostgresSource Sources/SluiceCore scripts/fuzz Tests/PostgresSourceTests/CopyFuzzHarness.swift -newer "$OUT/copy-fuzz" -name '*.swift' | head -1)" ]]; then
    echo "building $OUT/copy-fuzz" >&2
    swiftc -O -g -parse-as-library -swift-version 6 "${FEATURES[@]}" -sanitize=fuzzer,address \
        -module-name SluiceCore -emit-module -emit-module-path "$OUT/copy-obj/SluiceCore.swiftmodule" \
        -emit-library -static -o "$OUT/copy-obj/libSluiceCore.a" Sources/SluiceCore/*.swift
    # The decoder's files and the entry form one module, so the entry reaches the decoder's API directly.
    swiftc -O -g -parse-as-library -swift-version 6 "${FEATURES[@]}" -sanitize=fuzzer,address \
        -module-name PostgresSource -D SLUICE_FUZZ -I "$OUT/copy-obj" "${SOURCES[@]}" \
        Tests/PostgresSourceTests/CopyFuzzHarness.swift scripts/fuzz/CopyFuzzEntry.swift \
        -L "$OUT/copy-obj" -lSluiceCore -o "$OUT/copy-fuzz"
fi

if [[ "${1:-}" == "--minimize" ]]; then
    mkdir -p "$OUT/copy-minimized"
    rm -f "$OUT/copy-minimized"/*
    ASAN_OPTIONS=detect_leaks=0 "$OUT/copy-fuzz" -merge=1 -max_len=1024 "$OUT/copy-minimized" "$OUT/copy-corpus" "$CORPUS" >&2
    cp "$OUT/copy-minimized"/* "$CORPUS/"
    ls "$CORPUS" | wc -l
    exit 0
fi

SECONDS_TO_RUN=${1:-120}
JOBS=${2:-1}
PARALLEL=()
if (( JOBS > 1 )); then PARALLEL=(-jobs="$JOBS" -workers="$JOBS"); fi
cd "$OUT"
ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 ./copy-fuzz copy-corpus "../$CORPUS" \
    -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 -max_len=8192 \
    "${PARALLEL[@]}" -artifact_prefix=copy-artifacts/ -print_final_stats=1
if ls copy-artifacts | grep -q .; then echo "crashes found: $(ls copy-artifacts)" >&2; exit 1; fi
