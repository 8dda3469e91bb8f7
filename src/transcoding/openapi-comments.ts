import type { DescriptorProto, EnumDescriptorProto, FileDescriptorSet } from "@bufbuild/protobuf/wkt";

/** Proto comments keyed by fully-qualified name: `pkg.Message`, `pkg.Message.field`, `pkg.Service.Method`. */
export type ProtoComments = ReadonlyMap<string, string>;

/**
 * Collects leading comments from a FileDescriptorSet built with source info (`buf build -o x.binpb`).
 * The descriptors protoc-gen-es embeds have their source info stripped, so comments must come from
 * such a set when the OpenAPI document should carry them.
 */
export function commentsFromDescriptorSet(set: FileDescriptorSet): ProtoComments {
  const out = new Map<string, string>();
  for (const file of set.file) {
    const byPath = new Map<string, string>();
    for (const loc of file.sourceCodeInfo?.location ?? []) {
      const text = loc.leadingComments.trim();
      if (text) byPath.set(loc.path.join("."), text.replace(/\n /g, "\n"));
    }
    const prefix = file.package ? `${file.package}.` : "";
    const note = (path: number[], name: string) => {
      const text = byPath.get(path.join("."));
      if (text) out.set(name, text);
    };
    // Paths use the field numbers of FileDescriptorProto (4 messages, 5 enums, 6 services),
    // DescriptorProto (2 fields, 3 nested, 4 enums), EnumDescriptorProto and ServiceDescriptorProto (2).
    const walkEnum = (e: EnumDescriptorProto, path: number[], name: string) => {
      note(path, name);
      for (const [i, v] of e.value.entries()) note([...path, 2, i], `${name}.${v.name}`);
    };
    const walkMessage = (m: DescriptorProto, path: number[], name: string) => {
      note(path, name);
      for (const [i, f] of m.field.entries()) note([...path, 2, i], `${name}.${f.name}`);
      for (const [i, n] of m.nestedType.entries()) walkMessage(n, [...path, 3, i], `${name}.${n.name}`);
      for (const [i, e] of m.enumType.entries()) walkEnum(e, [...path, 4, i], `${name}.${e.name}`);
    };
    for (const [i, m] of file.messageType.entries()) walkMessage(m, [4, i], prefix + m.name);
    for (const [i, e] of file.enumType.entries()) walkEnum(e, [5, i], prefix + e.name);
    for (const [i, s] of file.service.entries()) {
      note([6, i], prefix + s.name);
      for (const [j, m] of s.method.entries()) note([6, i, 2, j], `${prefix}${s.name}.${m.name}`);
    }
  }
  return out;
}
