import { createEmployee, deleteEmployee, listEmployees } from '../../../core/accounts/employees.js';
import type { AdminApp, AdminDeps } from '../context.js';
import { presentEmployee } from '../presenters.js';
import { EmployeeCreate, EmployeeListSchema, EmployeeSchema, IdParams, NoContent, errors } from '../schemas.js';

const tags = ['employees'];

/** Staff users: who can be assigned loops and notified, and at which locations. */
export async function employeeRoutes(app: AdminApp, { db }: AdminDeps): Promise<void> {
  app.get('/employees', { schema: { tags, summary: 'List employees', response: { 200: EmployeeListSchema, ...errors() } } }, async (request) => ({
    employees: (await listEmployees(db, request.accountId)).map(presentEmployee),
  }));

  app.post(
    '/employees',
    {
      schema: {
        tags,
        summary: 'Create an employee',
        description: 'The username is unique in the account (409 when taken); locationIds must name locations of the account.',
        body: EmployeeCreate,
        response: { 201: EmployeeSchema, ...errors(400, 409, 413) },
      },
    },
    async (request, reply) => {
      const employee = await createEmployee(db, request.accountId, request.body);
      return reply.status(201).send(presentEmployee(employee));
    },
  );

  app.delete(
    '/employees/:id',
    { schema: { tags, summary: 'Delete an employee', params: IdParams, response: { 204: NoContent, ...errors(400, 404) } } },
    async (request, reply) => {
      await deleteEmployee(db, request.accountId, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
