/**
 * A plain JavaScript copy of a tree-sitter tree, built in one cursor walk.
 * Reading nodes through web-tree-sitter crosses into WebAssembly on every
 * property access; the analysis reads each node many times, so it works on
 * this copy instead. The members mirror web-tree-sitter's `Node`.
 */
import type { Tree, TreeCursor } from 'web-tree-sitter';

export class SyntaxNode {
  readonly children: SyntaxNode[] = [];
  /** The field name of each child (`name`, `argument`, `redirect`…), or null. */
  readonly fields: Array<string | null> = [];
  private named: SyntaxNode[] | null = null;

  constructor(
    readonly type: string,
    readonly startIndex: number,
    readonly endIndex: number,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    readonly parent: SyntaxNode | null,
    private readonly source: string,
    private readonly indexInParent: number,
  ) {}

  /** The parsed (masked) text of the node. */
  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }

  get namedChildren(): SyntaxNode[] {
    this.named ??= this.children.filter((child) => child.isNamed);
    return this.named;
  }

  get firstNamedChild(): SyntaxNode | null {
    return this.namedChildren[0] ?? null;
  }

  get nextSibling(): SyntaxNode | null {
    return this.parent?.children[this.indexInParent + 1] ?? null;
  }

  childForFieldName(name: string): SyntaxNode | null {
    const index = this.fields.indexOf(name);
    return index < 0 ? null : this.children[index]!;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    return this.children.filter((_, index) => this.fields[index] === name);
  }
}

/** Copies a parsed tree; `source` is the text that was parsed. */
export function copyTree(tree: Tree, source: string): SyntaxNode {
  const cursor = tree.walk();
  try {
    const root = nodeAt(cursor, null, source, 0);
    // Iterative, so that deeply nested scripts (`a && b && …` thousands long) do not overflow the stack.
    let parent = root;
    if (!cursor.gotoFirstChild()) return root;
    for (;;) {
      const node = nodeAt(cursor, parent, source, parent.children.length);
      parent.children.push(node);
      parent.fields.push(cursor.currentFieldName);
      if (cursor.gotoFirstChild()) {
        parent = node;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || parent.parent === null) return root;
        parent = parent.parent;
      }
    }
  } finally {
    cursor.delete();
  }
}

function nodeAt(cursor: TreeCursor, parent: SyntaxNode | null, source: string, index: number): SyntaxNode {
  return new SyntaxNode(cursor.nodeType, cursor.startIndex, cursor.endIndex, cursor.nodeIsNamed, cursor.nodeIsMissing, parent, source, index);
}
