import {
  createRegistry,
  type DescFile,
  type DescService,
  type Registry,
  toBinary,
} from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";

/**
 * The schema a server exposes through reflection: the files that declare its
 * services and every file they import, transitively, as the generated code
 * embeds them. Answers the lookups of the reflection protocol.
 */
export class DescriptorIndex {
  private readonly services: readonly string[];
  private readonly files = new Map<string, DescFile>();
  private readonly registry: Registry;

  /** Indexes the files of `services` and their dependencies. */
  constructor(services: Iterable<DescService>) {
    const names = new Set<string>();
    for (const service of services) {
      names.add(service.typeName);
      this.add(service.file);
    }
    this.services = [...names].sort();
    this.registry = createRegistry(...this.files.values());
  }

  /** The fully qualified names of the services, sorted. */
  serviceNames(): readonly string[] {
    return this.services;
  }

  /** A file by its path, such as `notification/v1/notification.proto`. */
  fileByName(name: string): DescFile | undefined {
    return this.files.get(name);
  }

  /**
   * The file that declares a fully qualified symbol: a message, enum,
   * service or extension, or a method of a service, or a field of a message.
   */
  fileContainingSymbol(symbol: string): DescFile | undefined {
    const type = this.registry.get(symbol);
    if (type) return type.file;
    const dot = symbol.lastIndexOf(".");
    if (dot < 0) return undefined;
    const parent = this.registry.get(symbol.slice(0, dot));
    const member = symbol.slice(dot + 1);
    if (parent?.kind === "service" && parent.methods.some((m) => m.name === member)) {
      return parent.file;
    }
    if (parent?.kind === "message" && parent.fields.some((f) => f.name === member)) {
      return parent.file;
    }
    return undefined;
  }

  /** The file that declares the extension of `typeName` numbered `number`. */
  fileContainingExtension(typeName: string, number: number): DescFile | undefined {
    const extendee = this.registry.getMessage(typeName);
    return extendee && this.registry.getExtensionFor(extendee, number)?.file;
  }

  /** The numbers of every known extension of a message type; undefined for an unknown type. */
  extensionNumbers(typeName: string): number[] | undefined {
    if (!this.registry.getMessage(typeName)) return undefined;
    const numbers: number[] = [];
    for (const type of this.registry) {
      if (type.kind === "extension" && type.extendee.typeName === typeName) {
        numbers.push(type.number);
      }
    }
    return numbers.sort((a, b) => a - b);
  }

  /**
   * `file` first, then every file it imports, transitively, each once, as
   * serialized FileDescriptorProto messages: clients such as grpcurl and
   * `buf curl` need the whole closure to build the schema.
   */
  serializedWithDependencies(file: DescFile): Uint8Array[] {
    const seen = new Set<string>();
    const out: Uint8Array[] = [];
    const visit = (f: DescFile) => {
      if (seen.has(f.proto.name)) return;
      seen.add(f.proto.name);
      out.push(toBinary(FileDescriptorProtoSchema, f.proto));
      for (const dependency of f.dependencies) visit(dependency);
    };
    visit(file);
    return out;
  }

  private add(file: DescFile): void {
    if (this.files.has(file.proto.name)) return;
    this.files.set(file.proto.name, file);
    for (const dependency of file.dependencies) this.add(dependency);
  }
}
