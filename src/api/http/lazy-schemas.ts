import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';

/*
 * Route schemas are compiled on a route's first request, not when the app starts. Compiling every
 * route's validators (Ajv) and response serializers (fast-json-stringify) in `ready()` took about
 * 400 ms of CPU per app (most of a server's start, and of each test that builds an app) for
 * routes a process may never serve; a route now pays its own compile, once, on its first use.
 * What is compiled, and so every answer, is the same as before. The compiles not run yet are
 * kept per app (SchemaCompiles), so a test can run them all and find a schema that does not
 * compile before a request does (test/route-schemas.test.ts).
 */

type Compiled = ((data: any) => any) & { errors?: FastifySchemaValidationError[] | null };

declare module 'fastify' {
  interface FastifyInstance {
    /** Compiles every route schema not compiled yet (src/api/http/lazy-schemas.ts); returns how many. */
    compileRouteSchemas(): number;
  }
}

/** The compiles an app's routes have not needed yet. */
export interface SchemaCompiles {
  /** `compile` deferred: the returned function runs it on its first call and returns its result ever after */
  defer<T>(compile: () => T): () => T;
  /** runs every compile still pending; returns how many there were */
  compileAll(): number;
}

export function schemaCompiles(): SchemaCompiles {
  const pending = new Set<() => unknown>();
  return {
    defer<T>(compile: () => T) {
      let compiled: { value: T } | undefined;
      const get = (): T => {
        if (!compiled) {
          compiled = { value: compile() };
          pending.delete(get);
        }
        return compiled.value;
      };
      pending.add(get);
      return get;
    },
    compileAll() {
      const all = [...pending];
      for (const compile of all) compile();
      return all.length;
    },
  };
}

/**
 * A validator compiler whose validators compile on their first call. Fastify reads `errors` off
 * the function it was given after a call that returned false, so they are copied from the
 * compiled one.
 */
export function lazyValidatorCompiler(compileNow: FastifySchemaCompiler<any>, compiles: SchemaCompiles): FastifySchemaCompiler<any> {
  return (route) => {
    const compiled = compiles.defer(() => compileNow(route) as Compiled);
    const validate: Compiled = (data) => {
      const fn = compiled();
      const result = fn(data);
      validate.errors = fn.errors;
      return result;
    };
    validate.errors = null;
    return validate as never;
  };
}

/** Fastify's own serializer factory (fast-json-stringify), each route's serializer built on its first answer. */
export function lazySerializerFactory(compiles: SchemaCompiles) {
  const buildFactory = SerializerSelector();
  return (externalSchemas: unknown, serializerOpts: unknown) => {
    const build = buildFactory(externalSchemas as never, serializerOpts as never);
    return (routeSchema: Parameters<typeof build>[0]) => {
      const serializer = compiles.defer(() => build(routeSchema));
      return (data: unknown) => serializer()(data);
    };
  };
}
