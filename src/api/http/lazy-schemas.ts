import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifySchemaValidationError } from 'fastify';

/*
 * Route schemas are compiled on a route's first request, not when the app starts. Compiling every
 * route's validators (Ajv) and response serializers (fast-json-stringify) in `ready()` took about
 * 400 ms of CPU per app (most of a server's start, and of each test that builds an app) for
 * routes a process may never serve; a route now pays its own compile, once, on its first use.
 * What is compiled, and so every answer, is the same as before.
 */

type Compiled = ((data: any) => any) & { errors?: FastifySchemaValidationError[] | null };

/**
 * A validator that compiles on its first call. Fastify reads `errors` off the function it was
 * given after a call that returned false, so they are copied from the compiled one.
 */
export function lazyValidator(compile: () => Compiled): Compiled {
  let compiled: Compiled | undefined;
  const validate: Compiled = (data) => {
    compiled ??= compile();
    const result = compiled(data);
    validate.errors = compiled.errors;
    return result;
  };
  validate.errors = null;
  return validate;
}

/** Fastify's own serializer factory (fast-json-stringify), each route's serializer built on its first answer. */
export function lazySerializerFactory() {
  const buildFactory = SerializerSelector();
  return (externalSchemas: unknown, serializerOpts: unknown) => {
    const build = buildFactory(externalSchemas as never, serializerOpts as never);
    return (routeSchema: Parameters<typeof build>[0]) => {
      let serialize: ((data: unknown) => string) | undefined;
      return (data: unknown) => {
        serialize ??= build(routeSchema);
        return serialize(data);
      };
    };
  };
}
