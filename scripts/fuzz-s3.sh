#!/usr/bin/env bash
# Fuzz the readers of S3 and STS answers (the XML parser, listings, multipart and delete results, errors, STS
# credentials) with libFuzzer (Swift's -sanitize=fuzzer, plus AddressSanitizer).
#   usage: scripts/fuzz-s3.sh [SECONDS]          (default 120 s)
#          scripts/fuzz-s3.sh --minimize         merge the run's corpus into Tests/S3Tests/Fixtures/fuzz
# Builds .build-fuzz-s3/s3-fuzz from Sources/SluiceCore, Sources/HTTPTransport, Sources/S3 and
# scripts/fuzz/S3FuzzEntry.swift, seeded with Tests/S3Tests/Fixtures/fuzz (real answers and inputs kept from earlier
# runs, replayed by S3FuzzCorpusReplayTests on every test run). Crashes land in .build-fuzz-s3/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.build-fuzz-s3
mkdir -p "$OUT/obj" "$OUT/corpus" "$OUT/artifacts"
SECONDS_TO_RUN=${1:-120}
FEATURES=(-enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault
          -enable-upcoming-feature MemberImportVisibility)
FLAGS=(-O -g -parse-as-library -swift-version 6 "${FEATURES[@]}" -sanitize=fuzzer,address)

if [[ ! -x "$OUT/s3-fuzz" || -n "$(find Sources/S3 Sources/HTTPTransport Sources/SluiceCore scripts/fuzz -newer "$OUT/s3-fuzz" -name '*.swift' | head -1)" ]]; then
    echo "building $OUT/s3-fuzz" >&2
    swiftc "${FLAGS[@]}" -module-name SluiceCore -emit-module -emit-module-path "$OUT/obj/SluiceCore.swiftmodule" \
        -emit-library -static -o "$OUT/obj/libSluiceCore.a" Sources/SluiceCore/*.swift
    swiftc "${FLAGS[@]}" -module-name HTTPTransport -I "$OUT/obj" -I Sources/CCurl \
        -emit-module -emit-module-path "$OUT/obj/HTTPTransport.swiftmodule" \
        -emit-library -static -o "$OUT/obj/libHTTPTransport.a" Sources/HTTPTransport/*.swift
    # The readers only: the client, the signer and the credential chain (which need swift-crypto) stay out.
    swiftc "${FLAGS[@]}" -module-name S3 -I "$OUT/obj" -I Sources/CCurl \
        Sources/S3/S3XML.swift Sources/S3/S3Responses.swift Sources/S3/S3Error.swift Sources/S3/AmzDate.swift \
        Sources/S3/S3Bytes.swift Sources/S3/AWSCredentials.swift Sources/S3/WebIdentity.swift \
        Sources/S3/S3ResponseFuzzing.swift scripts/fuzz/S3FuzzEntry.swift \
        -L "$OUT/obj" -lHTTPTransport -lSluiceCore -lcurl -o "$OUT/s3-fuzz"
fi

SEEDS=Tests/S3Tests/Fixtures/fuzz
if [[ "${1:-}" == "--minimize" ]]; then
    mkdir -p "$OUT/minimized"
    rm -f "$OUT/minimized"/*
    ASAN_OPTIONS=detect_leaks=0 "$OUT/s3-fuzz" -merge=1 -max_len=1024 "$OUT/minimized" "$OUT/corpus" "$SEEDS" >&2
    for file in "$OUT/minimized"/*; do cmp -s "$file" "$SEEDS/$(basename "$file")" 2>/dev/null || cp "$file" "$SEEDS/"; done
    ls "$SEEDS" | wc -l
    exit 0
fi

cd "$OUT"
ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 ./s3-fuzz corpus "../$SEEDS" \
    -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 -max_len=65536 \
    -artifact_prefix=artifacts/ -print_final_stats=1
ls artifacts | grep -q . && { echo "crashes found: $(ls artifacts)" >&2; exit 1; } || true
