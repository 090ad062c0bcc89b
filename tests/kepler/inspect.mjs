#!/usr/bin/env node
// Load a CSV or GeoJSON file the way kepler.gl 3.2 does when a user drops it
// onto the map, using kepler's own npm packages, and print what kepler made of
// it as JSON on stdout.
//
// Usage:
//   node tests/kepler/inspect.mjs FILE [TIME_FIELD] [--direct]
//
//   FILE        a .csv, .json or .geojson file
//   TIME_FIELD  optional column / property name (e.g. start_ts): report its
//               null count and min/max as kepler's time filter computes them
//   --direct    skip kepler's file loader (loaders.gl) and call the processor
//               functions directly: processCsvData(text) for CSV,
//               processGeojson(JSON.parse(text)) otherwise
//
// Default path (what kepler.gl's UI does for a dropped file, see
// src/reducers/src/vis-state-updaters.ts -> src/tasks/src/index.ts):
//   readFileInBatches(File) -> last batch -> processFileData()
//     CSV     -> loaders.gl CSVLoader (object rows, no dynamic typing) -> processRowObject
//     GeoJSON -> loaders.gl JSONLoader ($.features) -> processGeojson
//   then, as addDataToMap does: validateInputData() -> new KeplerTable().importData()
//   and, for TIME_FIELD, KeplerTable.getColumnFilterProps() (the filter a user
//   gets when adding a filter on that field).
//
// Exit codes: 0 ok, 1 kepler could not process the file, 2 usage error,
//             3 node_modules missing (run: npm ci --prefix tests/kepler).
// Everything kepler/loaders.gl prints goes to stderr; stdout is only the JSON.

import {readFile} from 'node:fs/promises';
import {readFileSync, existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import * as nodeBuffer from 'node:buffer';
import path from 'node:path';

// Keep stdout clean: route library console output to stderr.
const writeOut = s => process.stdout.write(s);
for (const k of ['log', 'info', 'debug', 'warn']) {
  console[k] = (...a) => process.stderr.write(a.map(String).join(' ') + '\n');
}

const require = createRequire(import.meta.url);

function usage(msg) {
  if (msg) process.stderr.write(`inspect.mjs: ${msg}\n`);
  process.stderr.write('usage: node inspect.mjs FILE [TIME_FIELD] [--direct]\n');
  process.exit(2);
}

const args = process.argv.slice(2);
const direct = args.includes('--direct');
const positional = args.filter(a => !a.startsWith('--'));
const unknownFlags = args.filter(a => a.startsWith('--') && a !== '--direct');
if (unknownFlags.length) usage(`unknown option ${unknownFlags[0]}`);
if (positional.length < 1 || positional.length > 2) usage();
const [filePath, timeFieldName] = positional;

let processors, KeplerTable, validateInputData, timeToUnixMilli;
try {
  processors = require('@kepler.gl/processors');
  ({KeplerTable} = require('@kepler.gl/table'));
  ({validateInputData, timeToUnixMilli} = require('@kepler.gl/utils'));
} catch (e) {
  if (e?.code !== 'MODULE_NOT_FOUND') throw e;
  process.stderr.write(
    `inspect.mjs: kepler.gl packages are not installed (${e.message.split('\n')[0]}).\n` +
      'Run: npm ci --prefix tests/kepler\n'
  );
  process.exit(3);
}

// Version of the copy of `name` that `from` (a package name, or this script)
// would load; found by walking up from its resolved entry point, because some
// packages (loaders.gl) do not export their package.json.
function pkgVersion(name, from) {
  try {
    const req = from ? createRequire(require.resolve(from)) : require;
    let dir = path.dirname(req.resolve(name));
    for (;;) {
      const pj = path.join(dir, 'package.json');
      if (existsSync(pj)) {
        const p = JSON.parse(readFileSync(pj, 'utf8'));
        if (p.name === name) return p.version;
      }
      const up = path.dirname(dir);
      if (up === dir) return null;
      dir = up;
    }
  } catch {
    return null;
  }
}

// package.json replaces kepler dependencies that only the map/rendering side
// uses with an empty package ("overrides": {name: "npm:empty-npm-package@..."})
// to keep node_modules small. Refuse to report anything if one of them was
// loaded after all: the results could then differ from real kepler.gl.
function checkStubsUnused() {
  let overrides = {};
  try {
    const own = new URL('./package.json', import.meta.url);
    overrides = JSON.parse(readFileSync(own, 'utf8')).overrides || {};
  } catch {
    return;
  }
  const stubbed = Object.keys(overrides).filter(k => String(overrides[k]).startsWith('npm:empty-npm-package'));
  const loaded = Object.keys(require.cache).filter(file =>
    stubbed.some(name => file.includes(`${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`))
  );
  if (loaded.length) {
    throw new Error(`a stubbed dependency was loaded (${loaded.join(', ')}); remove it from "overrides" in package.json`);
  }
}

function isNull(v) {
  return v === null || v === undefined;
}

function iso(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

async function loadLikeDrop(buf, fileName) {
  // Node >= 20 has a global File; Node 18.13+ has it in node:buffer.
  const FileCtor = globalThis.File ?? nodeBuffer.File;
  if (!FileCtor) throw new Error('this Node.js has no File class (need Node >= 18.13)');
  const file = new FileCtor([buf], fileName);
  const gen = await processors.readFileInBatches({file, fileCache: [], loaders: [], loadOptions: {}});
  let last = null;
  for await (const batch of gen) last = batch;
  if (!last) throw new Error('loader produced no data');
  const fileCache = await processors.processFileData({content: last, fileCache: []});
  return fileCache.map(({data, info}) => ({data, info}));
}

function loadDirect(text, fileName) {
  const isCsv = /\.(csv|tsv|txt)$/i.test(fileName);
  const data = isCsv ? processors.processCsvData(text) : processors.processGeojson(JSON.parse(text));
  return [{data, info: {id: 'direct', label: fileName, format: isCsv ? 'csv' : 'geojson'}}];
}

function fieldSummary(f) {
  return {name: f.name, type: f.type, analyzerType: f.analyzerType, format: f.format ?? ''};
}

function countNulls(dc, idx) {
  let n = 0;
  for (let i = 0, rows = dc.numRows(); i < rows; i++) if (isNull(dc.valueAt(i, idx))) n++;
  return n;
}

async function describe({data, info}) {
  if (info?.format === 'keplergl') {
    throw new Error('kepler.gl map JSON files are not supported by this script');
  }
  // What addDataToMap -> createNewDataEntry does with the processor result.
  const validated = validateInputData(data);
  if (!validated) throw new Error('kepler validateInputData rejected the dataset');
  const table = new KeplerTable({info, color: [0, 0, 0]});
  await table.importData({data: validated});

  const out = {
    id: info?.id ?? null,
    label: info?.label ?? null,
    format: info?.format ?? null,
    rowCount: table.length,
    fields: table.fields.map((f, i) => ({...fieldSummary(f), nullCount: countNulls(table.dataContainer, i)}))
  };
  // validateInputData re-analyses every field when one of them fails its check;
  // record it if that changed anything.
  const changed = data.fields.filter((f, i) => {
    const v = validated.fields[i];
    return v.type !== f.type || (v.format ?? '') !== (f.format ?? '');
  });
  if (changed.length) out.processorFields = data.fields.map(fieldSummary);

  if (timeFieldName !== undefined) {
    out.timeField = describeTimeField(table, timeFieldName);
  }
  return out;
}

function describeTimeField(table, name) {
  const idx = table.getColumnFieldIdx(name);
  if (idx < 0) return {name, found: false};
  const field = table.fields[idx];
  const dc = table.dataContainer;
  const n = dc.numRows();
  const nullCount = countNulls(dc, idx);

  const res = {
    name,
    found: true,
    type: field.type,
    analyzerType: field.analyzerType,
    format: field.format ?? '',
    isTimestamp: field.type === 'timestamp',
    rowCount: n,
    nullCount,
    nonNullCount: n - nullCount
  };

  // The filter kepler creates for this field (timeRange only for `timestamp`).
  const props = table.getColumnFilterProps(name);
  res.filterType = props?.type ?? null;

  if (field.type === 'timestamp') {
    // mappedValue: kepler's per-row epoch milliseconds (timeToUnixMilli(value, format)).
    const mv = props?.mappedValue ?? [];
    let unparsed = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const raw = dc.valueAt(i, idx);
      const v = mv[i];
      if (isNull(raw)) continue;
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        unparsed++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const has = min !== Infinity;
    res.unparsedCount = unparsed; // non-null values moment could not parse (NaN)
    res.minMs = has ? min : null;
    res.maxMs = has ? max : null;
    res.min = has ? iso(min) : null;
    res.max = has ? iso(max) : null;
    // kepler's filter domain (d3.extent; padded by 1 s when min === max)
    res.filterDomain = props?.domain ?? null;
    res.filterStep = props?.step ?? null;
  } else {
    // Not a timestamp: report the raw non-null extremes (string/number order)
    // and what the value would be if it were read as a time with moment.
    const vals = [];
    for (let i = 0; i < n; i++) {
      const v = dc.valueAt(i, idx);
      if (!isNull(v)) vals.push(v);
    }
    vals.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    res.rawMin = vals.length ? vals[0] : null;
    res.rawMax = vals.length ? vals[vals.length - 1] : null;
    if (field.type === 'date' && vals.length) {
      res.min = iso(timeToUnixMilli(String(vals[0]), field.format));
      res.max = iso(timeToUnixMilli(String(vals[vals.length - 1]), field.format));
    }
  }
  return res;
}

async function main() {
  let buf;
  try {
    buf = await readFile(filePath);
  } catch (e) {
    usage(`cannot read ${filePath}: ${e.message}`);
  }
  const fileName = path.basename(filePath);
  const loaded = direct ? loadDirect(buf.toString('utf8'), fileName) : await loadLikeDrop(buf, fileName);
  const datasets = [];
  for (const d of loaded) datasets.push(await describe(d));
  checkStubsUnused();
  const result = {
    file: filePath,
    mode: direct ? 'direct' : 'drop',
    node: process.versions.node,
    versions: {
      '@kepler.gl/processors': pkgVersion('@kepler.gl/processors'),
      '@kepler.gl/table': pkgVersion('@kepler.gl/table'),
      '@kepler.gl/utils': pkgVersion('@kepler.gl/utils'),
      'type-analyzer': pkgVersion('type-analyzer', '@kepler.gl/common-utils'),
      '@loaders.gl/core': pkgVersion('@loaders.gl/core', '@kepler.gl/processors'),
      '@loaders.gl/csv': pkgVersion('@loaders.gl/csv', '@kepler.gl/processors'),
      '@loaders.gl/json': pkgVersion('@loaders.gl/json', '@kepler.gl/processors'),
      moment: pkgVersion('moment', '@kepler.gl/utils')
    },
    datasets
  };
  writeOut(JSON.stringify(result, null, 2) + '\n');
}

main().catch(err => {
  process.stderr.write(`inspect.mjs: ${err?.stack || err}\n`);
  process.exit(1);
});
