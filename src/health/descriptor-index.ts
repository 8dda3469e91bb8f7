import {
  type DescEnum,
  type DescExtension,
  type DescFile,
  type DescMessage,
  toBinary,
} from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";

/**
 * Every file, symbol and extension reachable from a set of served files, looked up the way
 * gRPC server reflection asks: by file name, by fully-qualified symbol, by extendee and number.
 */
export class DescriptorIndex {
  private readonly files = new Map<string, DescFile>();
  private readonly symbols = new Map<string, DescFile>();
  private readonly messages = new Set<string>();
  /** extendee type name → field number → declaring file */
  private readonly extensions = new Map<string, Map<number, DescFile>>();
  private readonly serviceNames: string[] = [];
  private readonly encoded = new Map<DescFile, Uint8Array>();

  constructor(roots: Iterable<DescFile>) {
    for (const file of roots) this.add(file);
    this.serviceNames.sort();
  }

  /** Fully-qualified names of every service declared in the indexed files, sorted. */
  services(): readonly string[] {
    return this.serviceNames;
  }

  /** The file with this name ("google/protobuf/timestamp.proto"), if indexed. */
  fileByName(name: string): DescFile | undefined {
    return this.files.get(name);
  }

  /** The file declaring a service, method, message, field, oneof, enum, enum value or extension. */
  fileContainingSymbol(symbol: string): DescFile | undefined {
    return this.symbols.get(symbol.startsWith(".") ? symbol.slice(1) : symbol);
  }

  /** The file declaring extension `number` of message `extendee`. */
  fileContainingExtension(extendee: string, number: number): DescFile | undefined {
    return this.extensions.get(extendee)?.get(number);
  }

  /** Known extension numbers of a message, sorted; undefined if the message itself is unknown. */
  extensionNumbers(extendee: string): number[] | undefined {
    if (!this.messages.has(extendee)) return undefined;
    return [...(this.extensions.get(extendee)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /**
   * The serialized FileDescriptorProto of `file` followed by those of its transitive imports,
   * so a client can build the file without asking again.
   */
  encodeWithDependencies(file: DescFile): Uint8Array[] {
    const out: Uint8Array[] = [];
    const seen = new Set<DescFile>();
    const visit = (f: DescFile): void => {
      if (seen.has(f)) return;
      seen.add(f);
      out.push(this.encode(f));
      for (const dep of f.dependencies) visit(dep);
    };
    visit(file);
    return out;
  }

  private encode(file: DescFile): Uint8Array {
    let bytes = this.encoded.get(file);
    if (bytes === undefined) {
      bytes = toBinary(FileDescriptorProtoSchema, file.proto);
      this.encoded.set(file, bytes);
    }
    return bytes;
  }

  private add(file: DescFile): void {
    const name = file.proto.name;
    if (this.files.has(name)) return;
    this.files.set(name, file);
    for (const service of file.services) {
      this.serviceNames.push(service.typeName);
      this.symbols.set(service.typeName, file);
      for (const method of service.methods) this.symbols.set(`${service.typeName}.${method.name}`, file);
    }
    for (const m of file.messages) this.addMessage(file, m);
    for (const e of file.enums) this.addEnum(file, e);
    for (const x of file.extensions) this.addExtension(file, x);
    for (const dep of file.dependencies) this.add(dep);
  }

  private addMessage(file: DescFile, message: DescMessage): void {
    this.symbols.set(message.typeName, file);
    this.messages.add(message.typeName);
    for (const field of message.fields) this.symbols.set(`${message.typeName}.${field.name}`, file);
    for (const oneof of message.oneofs) this.symbols.set(`${message.typeName}.${oneof.name}`, file);
    for (const m of message.nestedMessages) this.addMessage(file, m);
    // Map entry types are in the descriptor but not among nestedMessages.
    for (const nested of message.proto.nestedType) {
      if (nested.options?.mapEntry) this.symbols.set(`${message.typeName}.${nested.name}`, file);
    }
    for (const e of message.nestedEnums) this.addEnum(file, e);
    for (const x of message.nestedExtensions) this.addExtension(file, x);
  }

  private addEnum(file: DescFile, desc: DescEnum): void {
    this.symbols.set(desc.typeName, file);
    // Enum values are scoped beside their enum, not inside it (C++ scoping rules).
    const scope = desc.typeName.slice(0, desc.typeName.length - desc.name.length);
    for (const value of desc.values) this.symbols.set(`${scope}${value.name}`, file);
  }

  private addExtension(file: DescFile, ext: DescExtension): void {
    this.symbols.set(ext.typeName, file);
    const extendee = ext.extendee.typeName;
    let byNumber = this.extensions.get(extendee);
    if (byNumber === undefined) {
      byNumber = new Map();
      this.extensions.set(extendee, byNumber);
    }
    byNumber.set(ext.number, file);
  }
}
