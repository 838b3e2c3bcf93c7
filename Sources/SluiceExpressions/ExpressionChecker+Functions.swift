import SluiceCore

extension TypeChecking {
    /// Every function name the language knows, for "did you mean".
    static let functionNames = [
        "lower", "upper", "trim", "ltrim", "rtrim", "substring", "concat", "length", "replace", "regexp_replace", "coalesce",
        "nullif", "date_trunc", "to_date", "to_timestamp", "run_started_at",
    ]

    func call(_ name: String, _ syntaxArguments: [ExpressionSyntax], span: Range<Int>) throws(SluiceError) -> TypedExpression {
        guard Self.functionNames.contains(name) else {
            var message = "unknown function '\(name)'"
            if let suggestion = Suggestion.closest(to: name, among: Self.functionNames) { message += " (did you mean '\(suggestion)'?)" }
            throw source.error(.expressionType, message, at: span)
        }
        var arguments: [TypedExpression] = []
        for argument in syntaxArguments { arguments.append(try typed(argument)) }
        func arity(_ allowed: ClosedRange<Int>) throws(SluiceError) {
            guard allowed.contains(arguments.count) else {
                let expected = allowed.lowerBound == allowed.upperBound ? "\(allowed.lowerBound)"
                    : (allowed.upperBound == .max ? "at least \(allowed.lowerBound)" : "\(allowed.lowerBound) to \(allowed.upperBound)")
                throw source.error(.expressionType, "\(name) takes \(expected) argument\(allowed.upperBound == 1 ? "" : "s"), "
                                   + "not \(arguments.count)", at: span)
            }
        }
        /// A strict function: NULL when any argument is.
        func strict(_ function: ScalarFunction, _ typedArguments: [TypedExpression], _ type: DataType) -> TypedExpression {
            TypedExpression(.function(function, typedArguments), type: type, nullable: typedArguments.contains { $0.nullable }, span: span)
        }
        switch name {
        case "lower", "upper":
            try arity(1...1)
            return strict(name == "lower" ? .lower : .upper, [try text(arguments[0], of: name)], .string)
        case "trim", "ltrim", "rtrim":
            try arity(1...2)
            var characters: Set<Unicode.Scalar> = [" "]
            if arguments.count == 2 {
                characters = Set(try literalText(arguments[1], syntaxArguments[1], of: name, role: "characters").unicodeScalars)
            }
            let function = ScalarFunction.trim(leading: name != "rtrim", trailing: name != "ltrim", characters: characters)
            return strict(function, [try text(arguments[0], of: name)], .string)
        case "substring":
            try arity(2...3)
            var typedArguments = [try text(arguments[0], of: name)]
            for argument in arguments.dropFirst() { typedArguments.append(try integer(argument, of: name)) }
            return strict(.substring, typedArguments, .string)
        case "concat":
            try arity(1...Int.max)
            var typedArguments: [TypedExpression] = []
            for argument in arguments where !argument.isUntypedNull {
                guard CastKernels.supports(from: argument.type, to: .string) else {
                    throw source.error(.expressionType, "concat cannot turn \(argument.type) into text", at: argument.span)
                }
                typedArguments.append(try coerce(argument, to: .string))
            }
            return TypedExpression(.function(.concat, typedArguments), type: .string, nullable: false, span: span)
        case "length":
            try arity(1...1)
            let argument = arguments[0].type == .binary ? arguments[0] : try text(arguments[0], of: name)
            return strict(.length, [argument], .int32)
        case "replace":
            try arity(3...3)
            var typedArguments: [TypedExpression] = []
            for argument in arguments { typedArguments.append(try text(argument, of: name)) }
            return strict(.replace, typedArguments, .string)
        case "regexp_replace":
            try arity(3...4)
            let pattern = try literalText(arguments[1], syntaxArguments[1], of: name, role: "pattern")
            let replacement = try literalText(arguments[2], syntaxArguments[2], of: name, role: "replacement")
            let flags = arguments.count == 4 ? try literalText(arguments[3], syntaxArguments[3], of: name, role: "flags") : ""
            let compiled: RegexReplacement
            do {
                compiled = try RegexReplacement(pattern: pattern, replacement: replacement, flags: flags)
            } catch {
                switch error {
                case .pattern(let reason):
                    throw source.error(.expressionType, "invalid regular expression '\(pattern)': \(reason)", at: arguments[1].span)
                case .flag(let flag):
                    throw source.error(.expressionType, "unknown regexp_replace flag '\(flag)'; use g (every match) or i (ignore case)",
                                       at: arguments[3].span)
                }
            }
            return strict(.regexpReplace(compiled), [try text(arguments[0], of: name)], .string)
        case "coalesce":
            try arity(1...Int.max)
            let type = try unifiedType(arguments, what: "COALESCE", span: span)
            var typedArguments: [TypedExpression] = []
            for argument in arguments where !argument.isUntypedNull { typedArguments.append(try coerce(argument, to: type)) }
            return TypedExpression(.coalesce(typedArguments), type: type, nullable: typedArguments.allSatisfy(\.nullable), span: span)
        case "nullif":
            try arity(2...2)
            let value = arguments[0].isUntypedNull ? try coerce(arguments[0], to: try unifiedType(arguments, what: "NULLIF", span: span))
                : arguments[0]
            let equal = try comparison(.equal, value, arguments[1], span: span)
            return TypedExpression(.nullIf(value, equal: equal), type: value.type, nullable: true, span: span)
        case "date_trunc":
            try arity(2...2)
            let unitText = try literalText(arguments[0], syntaxArguments[0], of: name, role: "unit").lowercased()
            guard let unit = DateTruncation(rawValue: unitText) else {
                throw source.error(.expressionType, "unknown date_trunc unit '\(unitText)'; use "
                                   + DateTruncation.allCases.map(\.rawValue).joined(separator: ", "), at: arguments[0].span)
            }
            let value = try temporal(arguments[1], of: name)
            return strict(.dateTrunc(unit), [value], value.type == .date ? .timestamp : value.type)
        case "to_date", "to_timestamp":
            try arity(1...2)
            let isDate = name == "to_date"
            if !isDate, arguments.count == 1, TypeRules.isInteger(arguments[0].type) || TypeRules.isDecimal(arguments[0].type) {
                let seconds = TypeRules.isInteger(arguments[0].type)
                    ? try coerce(arguments[0], to: .decimal(precision: TypeRules.decimalDigits(ofInteger: arguments[0].type), scale: 0))
                    : arguments[0]
                return strict(.epochToTimestamp, [seconds], .timestampTZ)
            }
            var format: DateTimeFormat?
            if arguments.count == 2 {
                let template = try literalText(arguments[1], syntaxArguments[1], of: name, role: "format")
                guard let compiled = DateTimeFormat(template) else {
                    throw source.error(.expressionType, "the format '\(template)' has an unclosed double quote", at: arguments[1].span)
                }
                if isDate && compiled.hasTimeFields {
                    throw source.error(.expressionType, "a to_date format cannot have time fields; use to_timestamp", at: arguments[1].span)
                }
                format = compiled
            }
            return strict(isDate ? .toDate(format) : .toTimestamp(format), [try text(arguments[0], of: name)],
                          isDate ? .date : .timestampTZ)
        default:
            try arity(0...0)
            return TypedExpression(.runStartedAt, type: .timestampTZ, nullable: false, span: span)
        }
    }

    func extract(_ fieldName: String, _ operand: TypedExpression, span: Range<Int>) throws(SluiceError) -> TypedExpression {
        guard let field = DateField(rawValue: fieldName) else {
            throw source.error(.expressionType, "unknown extract field '\(fieldName)'; use "
                               + DateField.allCases.map(\.rawValue).joined(separator: ", "), at: span)
        }
        let value = operand.type == .time ? operand : try temporal(operand, of: "extract")
        let allowed: Bool
        switch value.type {
        case .date: allowed = ![.hour, .minute, .second].contains(field)
        case .time: allowed = [.hour, .minute, .second, .epoch].contains(field)
        default: allowed = true
        }
        guard allowed else {
            throw source.error(.expressionType, "extract(\(field.rawValue) FROM ...) is not defined for \(value.type)", at: span)
        }
        let type: DataType
        switch field {
        case .second: type = .decimal(precision: 8, scale: 6)
        case .epoch: type = .decimal(precision: 21, scale: 6)
        default: type = .int32
        }
        return TypedExpression(.function(.extract(field), [value]), type: type, nullable: value.nullable, span: span)
    }

    // MARK: - Argument rules

    /// A string argument (a NULL literal becomes a string NULL).
    private func text(_ node: TypedExpression, of function: String) throws(SluiceError) -> TypedExpression {
        if node.isUntypedNull { return retyped(node, .string) }
        guard node.type == .string else {
            throw source.error(.expressionType, "\(function) needs a string, not \(node.type); CAST it to string", at: node.span)
        }
        return node
    }

    /// An integer argument, as int64.
    private func integer(_ node: TypedExpression, of function: String) throws(SluiceError) -> TypedExpression {
        if node.isUntypedNull { return retyped(node, .int64) }
        guard TypeRules.isInteger(node.type), node.type != .uint64 else {
            throw source.error(.expressionType, "\(function) needs an integer, not \(node.type)", at: node.span)
        }
        return try coerce(node, to: .int64)
    }

    /// A date, timestamp or timestamptz argument; a string literal is read as a timestamp.
    private func temporal(_ node: TypedExpression, of function: String) throws(SluiceError) -> TypedExpression {
        if node.isUntypedNull { return retyped(node, .timestamp) }
        if isStringLiteral(node) { return try coerce(node, to: .timestamp) }
        guard node.type == .date || TypeRules.isTimestamp(node.type) else {
            throw source.error(.expressionType, "\(function) needs a date, timestamp or timestamptz, not \(node.type)", at: node.span)
        }
        return node
    }

    /// A string literal argument (patterns, formats, units).
    private func literalText(_ node: TypedExpression, _ syntax: ExpressionSyntax, of function: String,
                             role: String) throws(SluiceError) -> String {
        guard case .literal(.string(let text)) = syntax.kind else {
            throw source.error(.expressionType, "the \(role) of \(function) must be a string literal", at: node.span)
        }
        return text
    }
}
