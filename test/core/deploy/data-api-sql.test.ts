/**
 * The text handling of the Data API SQL client: splitting a migration file into the one
 * statement per call the Data API takes, and `$n` parameters into its named ones. (The
 * client's calls themselves run against the emulator: deploy-migrations-data-api.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namedParameters, splitStatements } from '../../../src/core/deploy/data-api-sql.js';

describe('Data API SQL text', () => {
  it('splits at top-level semicolons only: quotes, identifiers, dollar quotes and comments are kept whole', () => {
    // Given a file with a DO block, a quoted semicolon, a quoted identifier and comments
    const sql = `-- header; not a statement end
CREATE TABLE "odd;name" (v text DEFAULT 'a;b');
DO $body$
BEGIN
  PERFORM 1; -- inside the block
END
$body$;
/* block; /* nested; */ comment */ GRANT SELECT ON "odd;name" TO PUBLIC;
SELECT $$x;y$$, 'it''s; fine';
-- trailing comment only
`;

    // When it is split
    const statements = splitStatements(sql);

    // Then there are four statements, each intact
    assert.equal(statements.length, 4);
    assert.match(
      statements[0] ?? '',
      /^-- header; not a statement end\nCREATE TABLE "odd;name" \(v text DEFAULT 'a;b'\)$/,
    );
    assert.match(statements[1] ?? '', /^DO \$body\$[\s\S]*PERFORM 1; -- inside the block\nEND\n\$body\$$/);
    assert.match(statements[2] ?? '', /GRANT SELECT ON "odd;name" TO PUBLIC$/);
    assert.equal(statements[3], "SELECT $$x;y$$, 'it''s; fine'");
  });

  it('names $n parameters :pn outside literals, keeping casts and dollar quotes', () => {
    // Given a statement with parameters, a cast, a literal holding "$1" and a dollar quote
    const sql = "SELECT format('%I $1', $1::text), $2, $$ $3 $$ -- $4\nFROM t WHERE a = $10";

    // When its parameters are named
    // Then only the real parameters changed
    assert.equal(
      namedParameters(sql),
      "SELECT format('%I $1', :p1::text), :p2, $$ $3 $$ -- $4\nFROM t WHERE a = :p10",
    );
  });
});
