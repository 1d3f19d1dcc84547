import { describe, expect, it } from 'vitest';
import { CancelledError, DistilleryError, fromWire, InputError, toWire } from './errors';

describe('errors across processes', () => {
  it('fromWire rebuilds what toWire sent: code, message, details and name', () => {
    const e = fromWire(toWire(new InputError('INPUT_PARSE', 'a.csv:3: bad quote', { file: 'a.csv', line: 3 })));
    expect(e).toBeInstanceOf(DistilleryError);
    expect(e).toMatchObject({
      name: 'InputError',
      code: 'INPUT_PARSE',
      message: 'a.csv:3: bad quote',
      details: { file: 'a.csv', line: 3 },
    });
    expect(fromWire(toWire(new CancelledError('stop')))).toBeInstanceOf(CancelledError);
    // A worker's reply may lack details: still a DistilleryError with empty details.
    expect(fromWire({ name: 'X', code: 'CONFIG', message: 'm' } as never).details).toEqual({});
  });
});
