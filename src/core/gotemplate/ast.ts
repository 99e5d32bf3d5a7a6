/** Parse tree of a Go template. `pos` is a source offset, turned into line:column for errors. */

export type Arg =
  | { t: "field"; pos: number; names: string[] } // .a.b
  | { t: "var"; pos: number; name: string; names: string[] } // $x.a.b
  | { t: "dot"; pos: number }
  | { t: "ident"; pos: number; name: string } // function name or true/false/nil
  | { t: "string"; pos: number; value: string }
  | { t: "number"; pos: number; value: number | bigint; text: string }
  | { t: "bool"; pos: number; value: boolean }
  | { t: "nil"; pos: number }
  | { t: "pipe"; pos: number; pipe: Pipeline; names: string[] }; // (pipeline).a.b

export interface Command {
  pos: number;
  args: Arg[];
}

export interface Pipeline {
  pos: number;
  decl: string[];
  /** `=` rather than `:=`. */
  assign: boolean;
  cmds: Command[];
}

export type Node =
  | { t: "text"; pos: number; text: string }
  | { t: "action"; pos: number; pipe: Pipeline }
  | { t: "if" | "with"; pos: number; pipe: Pipeline; list: Node[]; else?: Node[] }
  | { t: "range"; pos: number; pipe: Pipeline; list: Node[]; else?: Node[] }
  | { t: "template"; pos: number; name: string; pipe?: Pipeline }
  | { t: "break" | "continue"; pos: number };
