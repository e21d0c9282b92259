import { createHash } from 'node:crypto';
import { type CfnElement, Names, Stack } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';

/**
 * A construct that owns one part of a stack (its API, its alarms, its queues…) without adding its
 * id to the CloudFormation logical ids of what it holds: a `PartedStack` leaves every StackPart
 * out of the path it derives logical ids from, so `Table` inside a StackPart is still
 * `TableCD117FA1`. Resources that were made in the stack's own scope before the part existed keep
 * their logical ids — CloudFormation replaces a resource whose logical id changes, and for the
 * table or a queue that would mean deleting the data in it (test/infra/logical-ids.test.ts pins
 * them). Two parts of one stack cannot both hold a child of the same id: CDK refuses the
 * duplicate logical id at synthesis.
 */
export class StackPart extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // In any other stack its id would prefix every logical id below it (replacing those resources).
    if (!(Stack.of(this) instanceof PartedStack))
      throw new Error(`${this.node.path}: a StackPart belongs in a PartedStack`);
  }

  /** See PartedStack.keepIdsNamedAfter. */
  protected keepIdsNamedAfter(source: IConstruct, within: IConstruct): void {
    (Stack.of(this) as PartedStack).keepIdsNamedAfter(source, within);
  }
}

/** A stack whose logical ids ignore its StackParts (above). */
export class PartedStack extends Stack {
  /** Construct ids CDK derived from another construct's path (below), as they were without parts. */
  private readonly formerIds = new Map<IConstruct, string>();

  protected override allocateLogicalId(element: CfnElement): string {
    const scopes = element.node.scopes;
    const below = scopes.slice(scopes.indexOf(element.stack) + 1);
    return makeUniqueId(
      below
        .filter((scope) => !(scope instanceof StackPart))
        .map((scope) => this.formerIds.get(scope) ?? scope.node.id),
    );
  }

  /**
   * Some CDK constructs name a child after another construct's unique id (`Names.nodeUniqueId`):
   * an event source mapping is `SqsEventSource:<the queue's unique id>`, a method's invoke
   * permission `ApiPermission.<the API's unique id>…`. Inside a StackPart that unique id is not
   * what it was, and so neither would the child's logical id be. This gives every construct below
   * `within` (itself included) whose id contains `source`'s unique id its former id, for logical
   * ids only.
   */
  keepIdsNamedAfter(source: IConstruct, within: IConstruct): void {
    const current = Names.nodeUniqueId(source.node);
    const former = uniqueIdOutsideParts(source);
    if (current === former) return;
    for (const child of within.node.findAll())
      if (child.node.id.includes(current)) this.formerIds.set(child, child.node.id.replace(current, former));
  }
}

/**
 * `Names.nodeUniqueId` (and `Names.uniqueId`) of a construct as it was before StackParts held it:
 * what CDK named after it then. With `childId`: that of a child of it not made yet.
 */
export function uniqueIdOutsideParts(construct: IConstruct, childId?: string): string {
  const path = construct.node.scopes
    .slice(1)
    .filter((scope) => !(scope instanceof StackPart))
    .map((scope) => scope.node.id);
  return makeUniqueId(childId === undefined ? path : [...path, childId]);
}

/**
 * CDK's own `makeUniqueId` (aws-cdk-lib/core/lib/private/uniqueid.ts, not exported): the path's
 * human-readable components and an MD5 hash of the whole path. Kept byte-compatible: the infra
 * test compares the logical ids it yields with those CDK gave before.
 */
function makeUniqueId(path: string[]): string {
  const components = path.filter((component) => component !== 'Default');
  if (components.length === 0)
    throw new Error('Unable to calculate a unique id for an empty set of components');
  const alphanumeric = (value: string) => value.replace(/[^A-Za-z0-9]/g, '');
  if (components.length === 1) {
    const candidate = alphanumeric(components[0] ?? '');
    if (candidate.length <= 255) return candidate;
  }
  const hash = createHash('md5').update(components.join('/')).digest('hex').slice(0, 8).toUpperCase();
  const human: string[] = [];
  for (const component of components)
    if (human.length === 0 || !(human[human.length - 1] ?? '').endsWith(component)) human.push(component);
  return (
    human
      .filter((component) => component !== 'Resource')
      .map(alphanumeric)
      .join('')
      .slice(0, 240) + hash
  );
}
