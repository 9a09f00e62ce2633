import { describe, expect, it } from 'vitest';
import { CliUsageError } from '../../../src/cli/errors.js';
import { serviceNameFor } from '../../../src/cli/init/service-name.js';

describe('serviceNameFor', () => {
  it.each([
    { dir: '/work/orders-service', name: 'orders-service' },
    { dir: '/work/My Orders', name: 'my-orders' },
    { dir: '/work/__billing__v2', name: 'billing-v2' },
    { dir: `/work/${'a'.repeat(39)}.b`, name: 'a'.repeat(39) },
  ])("derives '$name' from the directory $dir", ({ dir, name }) => {
    // Act
    const service = serviceNameFor(dir);

    // Assert
    expect(service).toBe(name);
  });

  it('takes --name as given, and rejects one that is no npm package and config service name', () => {
    // Act
    const named = serviceNameFor('/work/x', 'billing');
    const invalid = () => serviceNameFor('/work/x', 'Billing_Service');

    // Assert
    expect(named).toBe('billing');
    expect(invalid).toThrow(CliUsageError);
    expect(invalid).toThrow("--name 'Billing_Service' is not a service name");
  });

  it('asks for --name when the directory name makes none', () => {
    // Act
    const derive = () => serviceNameFor('/work/2024');

    // Assert
    expect(derive).toThrow("cannot make a service name of the directory name '2024': pass --name <name>");
  });
});
