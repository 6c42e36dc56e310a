import KeyfobCore

/// A strict `application/x-www-form-urlencoded` decoder (WHATWG URL §5, RFC 6749 Appendix B).
///
/// Strict where a lenient decoder would hide mistakes or attacks: a malformed escape, bytes that
/// are not UTF-8, a NUL, or a repeated name (RFC 6749 §3.2: parameters must not be included more
/// than once) are errors, not silently patched.
enum FormDecoder {
    enum Failure: Error, Equatable {
        case malformedEscape
        case notUTF8
        case nulByte
        case repeated(String)
    }

    /// Decodes `name=value&…` into a dictionary; a name without `=` gets an empty value.
    static func decode(_ bytes: some Collection<UInt8>) throws(Failure) -> [String: String] {
        var result = [String: String]()
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let name: String
            let value: String
            if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                name = try decodeComponent(pair[pair.startIndex..<equals])
                value = try decodeComponent(pair[pair.index(after: equals)...])
            } else {
                name = try decodeComponent(pair)
                value = ""
            }
            guard result.updateValue(value, forKey: name) == nil else { throw .repeated(name) }
        }
        return result
    }

    /// Decodes one component: `+` is a space, `%HH` a byte; the result must be UTF-8 without NUL.
    static func decodeComponent(_ bytes: some Collection<UInt8>) throws(Failure) -> String {
        // Codes, tokens, ids and grant types have nothing to unescape: read them in place.
        if !bytes.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) {
            return try validatedText(bytes)
        }
        var output = [UInt8]()
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "+"):
                output.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let high = bytes.index(after: index)
                guard high != bytes.endIndex else { throw .malformedEscape }
                let low = bytes.index(after: high)
                guard low != bytes.endIndex, let h = HexDigit.value(of: bytes[high]), let l = HexDigit.value(of: bytes[low]) else {
                    throw .malformedEscape
                }
                output.append(h << 4 | l)
                index = low
            default:
                output.append(byte)
            }
            index = bytes.index(after: index)
        }
        return try validatedText(output)
    }

    private static func validatedText(_ bytes: some Collection<UInt8>) throws(Failure) -> String {
        guard !bytes.contains(0) else { throw .nulByte }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        return text
    }
}

extension FormDecoder.Failure {
    /// The text sent back to the client.
    var message: String {
        switch self {
        case .malformedEscape: "The form body has a malformed percent-escape."
        case .notUTF8: "The form body is not valid UTF-8."
        case .nulByte: "The form body contains a NUL byte."
        case .repeated(let name): "Parameter included more than once: \(name.prefix(64))."
        }
    }
}
