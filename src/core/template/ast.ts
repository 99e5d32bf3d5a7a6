/** The parse tree, shaped like Go's text/template/parse nodes. Positions are string offsets. */

export interface ListNode {
  kind: "list";
  pos: number;
  nodes: Node[];
}
export interface TextNode {
  kind: "text";
  pos: number;
  text: string;
}
export interface ActionNode {
  kind: "action";
  pos: number;
  pipe: PipeNode;
}
export interface CommentNode {
  kind: "comment";
  pos: number;
}
export interface BranchNode {
  kind: "if" | "range" | "with";
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface TemplateNode {
  kind: "template";
  pos: number;
  name: string;
  pipe: PipeNode | null;
}
export interface LoopControlNode {
  kind: "break" | "continue";
  pos: number;
}

export type Node = ListNode | TextNode | ActionNode | CommentNode | BranchNode | TemplateNode | LoopControlNode;

export interface PipeNode {
  kind: "pipe";
  pos: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode {
  kind: "command";
  pos: number;
  args: Arg[];
}
export interface FieldNode {
  kind: "field";
  pos: number;
  ident: string[];
}
export interface VariableNode {
  kind: "variable";
  pos: number;
  ident: string[];
}
export interface IdentifierNode {
  kind: "identifier";
  pos: number;
  name: string;
}
export interface DotNode {
  kind: "dot";
  pos: number;
}
export interface NilNode {
  kind: "nil";
  pos: number;
}
export interface BoolNode {
  kind: "bool";
  pos: number;
  value: boolean;
}
export interface NumberNode {
  kind: "number";
  pos: number;
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  int: bigint;
  float: number;
}
export interface StringNode {
  kind: "string";
  pos: number;
  quoted: string;
  text: string;
}
export interface ChainNode {
  kind: "chain";
  pos: number;
  node: Arg;
  fields: string[];
}

export type Arg =
  | PipeNode
  | FieldNode
  | VariableNode
  | IdentifierNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | ChainNode;
export type AnyNode = Node | Arg | CommandNode;

/** Node text as Go's String() methods print it, for the `at <…>` part of error messages. */
export function nodeString(n: AnyNode): string {
  switch (n.kind) {
    case "list":
      return n.nodes.map(nodeString).join("");
    case "text":
      return n.text;
    case "action":
      return `{{${nodeString(n.pipe)}}}`;
    case "comment":
      return "{{/* */}}";
    case "if":
    case "range":
    case "with": {
      const els = n.elseList ? `{{else}}${nodeString(n.elseList)}` : "";
      return `{{${n.kind} ${nodeString(n.pipe)}}}${nodeString(n.list)}${els}{{end}}`;
    }
    case "template":
      return n.pipe
        ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}`
        : `{{template ${JSON.stringify(n.name)}}}`;
    case "break":
    case "continue":
      return `{{${n.kind}}}`;
    case "pipe": {
      let s = "";
      if (n.decl.length > 0) s = n.decl.map(nodeString).join(", ") + (n.isAssign ? " = " : " := ");
      return s + n.cmds.map(nodeString).join(" | ");
    }
    case "command":
      return n.args.map((a) => (a.kind === "pipe" ? `(${nodeString(a)})` : nodeString(a))).join(" ");
    case "field":
      return n.ident.map((i) => "." + i).join("");
    case "variable":
      return n.ident.join(".");
    case "identifier":
      return n.name;
    case "dot":
      return ".";
    case "nil":
      return "nil";
    case "bool":
      return String(n.value);
    case "number":
      return n.text;
    case "string":
      return n.quoted;
    case "chain": {
      const inner = n.node.kind === "pipe" ? `(${nodeString(n.node)})` : nodeString(n.node);
      return inner + n.fields.map((f) => "." + f).join("");
    }
  }
}
