/**
 * One Aspect puts the platform's tags on every taggable resource, and a validation
 * fails synthesis when one is still missing a required tag (a construct that overwrote
 * its tags, say). Provider `default_tags` carry the same tags for anything created
 * outside a resource block, but only the resource's own `tags` show in the JSON that
 * checkov and the tests read.
 */
import { Aspects, TerraformResource, TerraformStack, type IAspect } from '../cdktf.js';
import type { IConstruct } from 'constructs';

interface Taggable {
  tags?: Record<string, string>;
  tagsInput?: Record<string, string>;
}

function isTaggable(node: IConstruct): node is TerraformResource & Taggable {
  return node instanceof TerraformResource && 'tagsInput' in node;
}

export class TaggingAspect implements IAspect {
  constructor(private readonly tags: Readonly<Record<string, string>>) {}

  visit(node: IConstruct): void {
    if (!isTaggable(node)) return;
    const own = node.tagsInput ?? {};
    node.tags = { ...this.tags, ...own };
  }
}

export class MissingTagError extends Error {
  override readonly name = 'MissingTagError';
}

/** Applies the tags to every resource under `scope` and checks them at synthesis. */
export function tagEverything(scope: IConstruct, tags: Readonly<Record<string, string>>): void {
  // cdktf invokes aspects per stack, from the stack down (aspects of the App itself are
  // never inherited), so the aspect goes on every stack under `scope`.
  const aspect = new TaggingAspect(tags);
  const stacks = scope.node.findAll().filter((c) => TerraformStack.isStack(c));
  for (const target of stacks.length > 0 ? stacks : [scope]) Aspects.of(target).add(aspect);
  scope.node.addValidation({
    validate: () => {
      const errors: string[] = [];
      for (const child of scope.node.findAll()) {
        if (!isTaggable(child)) continue;
        const present = child.tagsInput ?? {};
        const missing = Object.keys(tags).filter((key) => !(key in present));
        if (missing.length > 0) errors.push(`${child.node.path}: missing tag(s) ${missing.join(', ')}`);
      }
      return errors;
    },
  });
}
