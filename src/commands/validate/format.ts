import { PROBLEM_KINDS } from '../../data/validate';
import { plural } from '../../format/plural';
import type { CheckResult, ProblemSample } from '../../data/validate';
import { escapeAnnotationData, escapeAnnotationProperty, toWorkspacePath } from '../../format/github-format';
import { escapeXml } from '../../format/xml';
import type { ValidationFormat } from '../../config/sections/validate';
import type { InferenceRun, ValidateResult } from './run-validate';

export { VALIDATION_FORMATS } from '../../config/sections/validate';

/** The report in one of the output formats; each is one complete document. */
export function formatValidation(
  result: ValidateResult,
  format: ValidationFormat,
  cwd = process.cwd(),
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(toJson(result), null, 2)}\n`;
    case 'junit':
      return toJunit(result);
    case 'github':
      return toGithub(result, cwd);
    case 'text':
      return toText(result);
  }
}

export function toJson(result: ValidateResult): unknown {
  if (result.mode === 'infer') {
    const { mode, valid, file, schemaPath, rows, schema, defects } = result;
    return { mode, valid, file, schema_path: schemaPath, rows, schema: schema ?? null, defects };
  }
  const failed = result.files.filter((f) => !f.valid).length;
  return {
    mode: result.mode,
    valid: result.valid,
    schema: result.schema,
    summary: {
      files: result.files.length,
      passed: result.files.length - failed,
      failed,
      problems: sum(result.files.flatMap((f) => f.checks.map((c) => c.count))),
    },
    files: result.files,
  };
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** What a check is called in reports: `column sepal_length: wrong_type`, or just the kind. */
export function checkName(check: CheckResult): string {
  return check.column === undefined ? check.kind : `column ${check.column}: ${check.kind}`;
}

function showValue(value: string): string {
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return shown;
}

function sampleText(file: string, s: ProblemSample): string {
  const where = s.line === undefined ? file : `${file}:${s.line}`;
  const what = s.column !== undefined && s.value !== undefined ? `${s.column} = ${showValue(s.value)}: ` : '';
  return `${where}  ${what}${s.message}`;
}

/** Failing checks are listed in file order; file-level ones (no line) last. */
const firstLine = (c: CheckResult): number => c.samples[0]?.line ?? Number.MAX_SAFE_INTEGER;

function toText(result: ValidateResult): string {
  if (result.mode === 'infer') return inferText(result);
  const lines: string[] = [];
  for (const f of result.files) {
    const failing = f.checks.filter((c) => c.count > 0).sort((a, b) => firstLine(a) - firstLine(b));
    if (failing.length === 0) {
      lines.push(
        `✓ ${f.file}: ${plural(f.rows, 'row')}, ${plural(f.columns.length, 'column')}, ${plural(f.checks.length, 'check')} passed`,
      );
      continue;
    }
    const problems = sum(failing.map((c) => c.count));
    lines.push(
      `✗ ${f.file}: ${plural(problems, 'problem')} in ${failing.length} of ${plural(f.checks.length, 'check')} (${plural(f.rows, 'row')})`,
    );
    for (const c of failing) {
      lines.push(
        `  ${c.kind}${c.column === undefined ? '' : ` (${c.column})`}: ${c.count} × ${PROBLEM_KINDS[c.kind]}`,
      );
      for (const s of c.samples) lines.push(`    ${sampleText(f.file, s)}`);
      if (c.count > c.samples.length) lines.push(`    … and ${c.count - c.samples.length} more`);
    }
  }
  const failed = result.files.filter((f) => !f.valid).length;
  lines.push('');
  if (failed === 0) {
    lines.push(`${plural(result.files.length, 'file')} valid against ${result.schema}.`);
  } else {
    lines.push(
      `${failed} of ${plural(result.files.length, 'file')} failed validation against ${result.schema}.`,
    );
    lines.push(
      'Fix the data; or, if the data is right and the schema is out of date, edit the schema or re-infer it',
    );
    lines.push('with `mlctl validate <file> --infer <schema.json>`.');
  }
  return `${lines.join('\n')}\n`;
}

function inferText(r: InferenceRun): string {
  if (r.valid && r.schema) {
    const cols = r.schema.columns.map((c) => `${c.name}:${c.type}`).join(', ');
    const target = r.schema.columns.find((c) => c.name === r.schema?.target);
    const classes = target?.values ? ` with classes ${target.values.join(', ')}` : '';
    const targetText = target ? `; target column "${target.name}"${classes}` : '; no target column';
    return `Wrote ${r.schemaPath} from ${r.file} (${r.rows} rows): ${cols}${targetText}.\n`;
  }
  const lines = [`✗ cannot infer a schema from ${r.file}: it is not a sound CSV`];
  for (const d of r.defects) lines.push(`  ${r.file}:${d.line}  ${d.message}`);
  lines.push('Nothing was written. Fix the file first.');
  return `${lines.join('\n')}\n`;
}

function toJunit(result: ValidateResult): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  if (result.mode === 'infer') {
    const failed = !result.valid;
    tests = 1;
    failures = failed ? 1 : 0;
    const body = failed
      ? `<failure type="unparseable_csv" message="${escapeXml(`cannot infer a schema from ${result.file}`)}">${escapeXml(
          result.defects.map((d) => `${result.file}:${d.line} ${d.message}`).join('\n'),
        )}</failure>`
      : '';
    suites.push(
      `  <testsuite name="${escapeXml(result.file)}" tests="1" failures="${failures}" errors="0" skipped="0">\n` +
        `    <testcase classname="mlctl.validate.infer" name="infer schema" file="${escapeXml(result.file)}">${body}</testcase>\n` +
        '  </testsuite>',
    );
  } else {
    for (const f of result.files) {
      const failing = f.checks.filter((c) => c.count > 0).length;
      tests += f.checks.length;
      failures += failing;
      const cases = f.checks.map((c) => junitCase(f.file, c));
      suites.push(
        `  <testsuite name="${escapeXml(f.file)}" tests="${f.checks.length}" failures="${failing}" errors="0" skipped="0" time="${f.seconds.toFixed(3)}">\n` +
          `${cases.join('\n')}\n  </testsuite>`,
      );
    }
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="mlctl validate" tests="${tests}" failures="${failures}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`
  );
}

function junitCase(file: string, c: CheckResult): string {
  const head = `    <testcase classname="mlctl.validate" name="${escapeXml(checkName(c))}" file="${escapeXml(file)}"`;
  if (c.count === 0) return `${head}/>`;
  const message = `${c.count} × ${PROBLEM_KINDS[c.kind]}`;
  const details = c.samples.map((s) => sampleText(file, s));
  if (c.count > c.samples.length) details.push(`… and ${c.count - c.samples.length} more`);
  return `${head}>\n      <failure type="${c.kind}" message="${escapeXml(message)}">${escapeXml(details.join('\n'))}</failure>\n    </testcase>`;
}

/** GitHub workflow commands, one `::error` per sampled problem, then a plain summary line. */
function toGithub(result: ValidateResult, cwd: string): string {
  return `${[...validationAnnotations(result, cwd), summaryLine(result)].join('\n')}\n`;
}

export function validationAnnotations(result: ValidateResult, cwd: string): string[] {
  if (result.mode === 'infer') {
    return result.defects.map((d) => annotation(result.file, d.line, 'unparseable_csv', d.message, cwd));
  }
  return result.files.flatMap((f) =>
    f.checks
      .filter((c) => c.count > 0)
      .flatMap((c) =>
        c.samples.map((s) =>
          annotation(
            f.file,
            s.line,
            c.kind,
            s.column !== undefined && s.value !== undefined
              ? `${s.column} = ${showValue(s.value)}: ${s.message}`
              : s.message,
            cwd,
          ),
        ),
      ),
  );
}

function annotation(
  file: string,
  line: number | undefined,
  title: string,
  message: string,
  cwd: string,
): string {
  const props = [`file=${escapeAnnotationProperty(toWorkspacePath(file, cwd))}`];
  if (line !== undefined) props.push(`line=${line}`);
  props.push(`title=${escapeAnnotationProperty(`mlctl validate: ${title}`)}`);
  return `::error ${props.join(',')}::${escapeAnnotationData(message)}`;
}

function summaryLine(result: ValidateResult): string {
  if (result.mode === 'infer')
    return result.valid
      ? `schema written to ${result.schemaPath}`
      : `cannot infer a schema from ${result.file}`;
  const failed = result.files.filter((f) => !f.valid).length;
  return `${result.files.length - failed} of ${result.files.length} files valid against ${result.schema}`;
}

/** Markdown for $GITHUB_STEP_SUMMARY. */
export function validationSummaryMarkdown(result: ValidateResult): string {
  if (result.mode === 'infer') return `### mlctl validate --infer\n\n${inferText(result)}`;
  const rows = result.files.map((f) => {
    const problems = sum(f.checks.map((c) => c.count));
    const kinds = [...new Set(f.checks.filter((c) => c.count > 0).map((c) => c.kind))].join(', ');
    return `| ${f.valid ? '✅' : '❌'} | \`${f.file}\` | ${f.rows} | ${problems} | ${kinds || '—'} |`;
  });
  return [
    `### mlctl validate — ${result.valid ? 'passed' : 'failed'}`,
    '',
    `Schema: \`${result.schema}\``,
    '',
    '| | File | Rows | Problems | Kinds |',
    '|---|---|---:|---:|---|',
    ...rows,
    '',
  ].join('\n');
}
