import SluiceCore

extension TypeChecking {
    func negate(_ operand: TypedExpression, span: Range<Int>) throws(SluiceError) -> TypedExpression {
        guard !operand.isUntypedNull else {
            throw source.error(.expressionType, "cannot infer the type of -NULL; write CAST(NULL AS type)", at: span)
        }
        guard TypeRules.isNumeric(operand.type) else {
            throw source.error(.expressionType, "unary '-' needs a number, not \(operand.type)", at: span)
        }
        let type = TypeRules.isInteger(operand.type) ? TypeRules.computedInteger(operand.type)
            : (TypeRules.isFloat(operand.type) ? .float64 : operand.type)
        let value = try coerce(operand, to: type)
        return TypedExpression(.negate(value), type: type, nullable: value.nullable, span: span)
    }

    func binary(_ operation: BinaryOperator, _ left: TypedExpression, _ right: TypedExpression,
                span: Range<Int>) throws(SluiceError) -> TypedExpression {
        switch operation {
        case .and, .or:
            let l = try boolean(left, role: operation.rawValue), r = try boolean(right, role: operation.rawValue)
            let kind: TypedExpression.Kind = operation == .and ? .and(l, r) : .or(l, r)
            return TypedExpression(kind, type: .boolean, nullable: l.nullable || r.nullable, span: span)
        case .concatenate:
            var operands: [TypedExpression] = []
            for operand in [left, right] {
                if operand.isUntypedNull { operands.append(retyped(operand, .string)); continue }
                guard CastKernels.supports(from: operand.type, to: .string) else {
                    throw source.error(.expressionType, "'||' cannot turn \(operand.type) into text", at: operand.span)
                }
                operands.append(try coerce(operand, to: .string))
            }
            guard left.type == .string || right.type == .string || left.isUntypedNull || right.isUntypedNull else {
                throw source.error(.expressionType, "'||' needs a string on one side, not \(left.type) and \(right.type)",
                                   at: operatorSpan(after: left, fallback: span))
            }
            // `a || b || c` is one node, computed in one pass.
            var parts = [operands[1]]
            if case .concatenate(let leftParts) = operands[0].kind { parts = leftParts + parts } else { parts.insert(operands[0], at: 0) }
            return TypedExpression(.concatenate(parts), type: .string, nullable: parts.contains { $0.nullable }, span: span)
        case _ where operation.isComparison:
            return try comparison(operation, left, right, span: span)
        default:
            return try arithmetic(operation, left, right, span: span)
        }
    }

    // MARK: - Arithmetic

    func arithmetic(_ operation: BinaryOperator, _ left: TypedExpression, _ right: TypedExpression,
                    span: Range<Int>) throws(SluiceError) -> TypedExpression {
        let symbol = operation.rawValue
        var l = left, r = right
        if l.isUntypedNull && r.isUntypedNull {
            throw source.error(.expressionType, "cannot infer the type of NULL \(symbol) NULL; write CAST(NULL AS type)", at: span)
        }
        if l.isUntypedNull { l = retyped(l, r.type) }
        if r.isUntypedNull { r = retyped(r, l.type) }
        let at = operatorSpan(after: left, fallback: span)
        guard TypeRules.isNumeric(l.type) && TypeRules.isNumeric(r.type) else {
            let temporal: Set<DataType> = [.date, .time, .timestamp, .timestampTZ]
            let hint = temporal.contains(l.type) || temporal.contains(r.type)
                ? "; date and time arithmetic is not supported (use date_trunc or extract)" : ""
            throw source.error(.expressionType, "operator '\(symbol)' needs numbers, not \(l.type) and \(r.type)\(hint)", at: at)
        }
        let nullable = l.nullable || r.nullable
        switch TypeRules.numericDomain(l.type, r.type, leftLiteralDigits: literalDigits(l), rightLiteralDigits: literalDigits(r)) {
        case nil:
            throw source.error(.expressionType,
                               "operator '\(symbol)' cannot mix \(l.type) and \(r.type): CAST the float to a decimal or the decimal "
                               + "to float64", at: at)
        case .int32?, .int64?:
            let type = TypeRules.computedInteger(l.type) == .int64 || TypeRules.computedInteger(r.type) == .int64
                ? DataType.int64 : .int32
            return TypedExpression(.arithmetic(operation, try coerce(l, to: type), try coerce(r, to: type)), type: type,
                                   nullable: nullable, span: span)
        case .float64?:
            guard operation != .remainder else {
                throw source.error(.expressionType, "operator '%' is not defined for floats", at: at)
            }
            return TypedExpression(.arithmetic(operation, try coerce(l, to: .float64), try coerce(r, to: .float64)), type: .float64,
                                   nullable: nullable, span: span)
        case .decimal(let ld, let rd)?:
            let type: DataType
            switch TypeRules.decimalResult(operation, ld, rd) {
            case .success(let result): type = result
            case .failure(let failure):
                throw source.error(.expressionType,
                                   "the product of decimal(\(ld.precision),\(ld.scale)) and decimal(\(rd.precision),\(rd.scale)) "
                                   + "would have scale \(failure.scale), more than 38; CAST an operand to a smaller scale", at: at)
            }
            let lx = try coerce(l, to: .decimal(precision: ld.precision, scale: ld.scale))
            let rx = try coerce(r, to: .decimal(precision: rd.precision, scale: rd.scale))
            return TypedExpression(.arithmetic(operation, lx, rx), type: type, nullable: nullable, span: span)
        }
    }

    // MARK: - Comparisons

    /// Both sides brought to one comparable type (decimals may keep different scales).
    func comparisonOperands(_ left: TypedExpression, _ right: TypedExpression,
                            at: Range<Int>) throws(SluiceError) -> (TypedExpression, TypedExpression) {
        var l = left, r = right
        if l.isUntypedNull && r.isUntypedNull { return (retyped(l, .boolean), retyped(r, .boolean)) }
        if l.isUntypedNull { l = retyped(l, r.type) }
        if r.isUntypedNull { r = retyped(r, l.type) }
        if isStringLiteral(l) && r.type != .string && CastKernels.supports(from: .string, to: r.type) { l = try coerce(l, to: r.type) }
        if isStringLiteral(r) && l.type != .string && CastKernels.supports(from: .string, to: l.type) { r = try coerce(r, to: l.type) }
        guard l.type != .json && r.type != .json else {
            throw source.error(.expressionType, "json values cannot be compared; CAST them to string", at: at)
        }
        if TypeRules.isNumeric(l.type) && TypeRules.isNumeric(r.type) {
            switch TypeRules.numericDomain(l.type, r.type, leftLiteralDigits: literalDigits(l), rightLiteralDigits: literalDigits(r)) {
            case nil:
                throw source.error(.expressionType, "cannot compare \(l.type) with \(r.type): CAST the float to a decimal or the "
                                   + "decimal to float64", at: at)
            case .int32?:
                return (try coerce(l, to: .int32), try coerce(r, to: .int32))
            case .int64?:
                return (try coerce(l, to: .int64), try coerce(r, to: .int64))
            case .float64?:
                return (try coerce(l, to: .float64), try coerce(r, to: .float64))
            case .decimal(let ld, let rd)?:
                return (try coerce(l, to: .decimal(precision: ld.precision, scale: ld.scale)),
                        try coerce(r, to: .decimal(precision: rd.precision, scale: rd.scale)))
            }
        }
        if l.type == r.type { return (l, r) }
        guard let common = TypeRules.commonType(l.type, r.type) else {
            throw source.error(.expressionType, "cannot compare \(l.type) with \(r.type)", at: at)
        }
        return (try coerce(l, to: common), try coerce(r, to: common))
    }

    func comparison(_ operation: BinaryOperator, _ left: TypedExpression, _ right: TypedExpression,
                    span: Range<Int>) throws(SluiceError) -> TypedExpression {
        let (l, r) = try comparisonOperands(left, right, at: operatorSpan(after: left, fallback: span))
        return TypedExpression(.compare(operation, l, r), type: .boolean, nullable: l.nullable || r.nullable, span: span)
    }

    /// `x IN (...)`: a sorted constant set when every item is a constant of the subject's type (after the usual
    /// conversions), otherwise `x = a OR x = b ...`, which means the same in three-valued logic.
    func inList(_ subject: TypedExpression, _ items: [TypedExpression], span: Range<Int>) throws(SluiceError) -> TypedExpression {
        var pairs: [(TypedExpression, TypedExpression)] = []
        for item in items {
            pairs.append(try comparisonOperands(subject, item, at: item.span))
        }
        let nullable = subject.nullable || items.contains { $0.nullable }
        if let set = constantSet(pairs, items: items) {
            return TypedExpression(.inSet(pairs[0].0, set), type: .boolean, nullable: nullable, span: span)
        }
        var result: TypedExpression?
        for (l, r) in pairs {
            let equal = TypedExpression(.compare(.equal, l, r), type: .boolean, nullable: l.nullable || r.nullable, span: span)
            result = result.map { TypedExpression(.or($0, equal), type: .boolean, nullable: $0.nullable || equal.nullable, span: span) }
                ?? equal
        }
        return result!
    }

    private func constantSet(_ pairs: [(TypedExpression, TypedExpression)], items: [TypedExpression]) -> ConstantSet? {
        let subject = pairs[0].0
        guard pairs.allSatisfy({ $0.1.isConstant && $0.0.type == subject.type }) else { return nil }
        let containsNull = pairs.contains { $0.1.constantValue == .null }
        let values = pairs.compactMap { $0.1.constantValue == .null ? nil : $0.1 }
        switch subject.type.storage {
        case .int32:
            return .int32(Array(Set(values.compactMap { node -> Int32? in
                if case .int(let v)? = node.constantValue { return Int32(truncatingIfNeeded: v) }
                return nil
            })).sorted(), containsNull: containsNull)
        case .int64:
            return .int64(Array(Set(values.compactMap { node -> Int64? in
                if case .int(let v)? = node.constantValue { return v }
                return nil
            })).sorted(), containsNull: containsNull)
        case .int128:
            // Constants at another scale: only an exact rescale can ever be equal.
            let scale = subject.type.decimalScale
            return .int128(Array(Set(values.compactMap { node -> Int128? in
                guard case .decimal(let v, let s)? = node.constantValue, let r = DecimalMath.rescale(v, from: s, to: scale),
                      DecimalMath.compare(r, scale: scale, v, scale: s) == 0 else { return nil }
                return r
            })).sorted(), containsNull: containsNull)
        case .bytes, .fixedBytes:
            let arrays = values.compactMap { node -> [UInt8]? in
                guard case .constant(let column) = node.kind else { return nil }
                switch column.values {
                case .bytes(let arrays): return Array(arrays[0])
                case .fixedBytes(_, let bytes): return bytes
                default: return nil
                }
            }
            let sorted = Array(Set(arrays)).sorted { $0.lexicographicallyPrecedes($1) }
            return .bytes(sorted, containsNull: containsNull)
        default:
            return nil
        }
    }

    func like(_ subject: TypedExpression, pattern: ExpressionSyntax, span: Range<Int>) throws(SluiceError) -> TypedExpression {
        let text = subject.isUntypedNull ? retyped(subject, .string) : subject
        guard text.type == .string else {
            throw source.error(.expressionType, "LIKE needs a string, not \(text.type)", at: subject.span)
        }
        guard case .literal(.string(let written)) = pattern.kind else {
            throw source.error(.expressionType, "the LIKE pattern must be a string literal", at: pattern.span)
        }
        guard let compiled = LikePattern(written) else {
            throw source.error(.expressionType, "the LIKE pattern '\(written)' ends with the escape character '\\'", at: pattern.span)
        }
        return TypedExpression(.like(text, compiled), type: .boolean, nullable: text.nullable, span: span)
    }

    // MARK: - CASE and CAST

    func caseWhen(_ operand: ExpressionSyntax?, _ branches: [ExpressionSyntax.WhenClause], otherwise: ExpressionSyntax?,
                  span: Range<Int>) throws(SluiceError) -> TypedExpression {
        let subject = try operand.map { (syntax) throws(SluiceError) in try typed(syntax) }
        var conditions: [TypedExpression] = []
        var values: [TypedExpression] = []
        for branch in branches {
            let condition = try typed(branch.condition)
            if let subject {
                conditions.append(try comparison(.equal, subject, condition, span: branch.condition.span))
            } else {
                conditions.append(try boolean(condition, role: "WHEN"))
            }
            values.append(try typed(branch.result))
        }
        let fallback = try otherwise.map { (syntax) throws(SluiceError) in try typed(syntax) }
        let type = try unifiedType(values + (fallback.map { [$0] } ?? []), what: "CASE", span: span)
        var typedBranches: [TypedExpression.CaseBranch] = []
        for (condition, value) in zip(conditions, values) {
            typedBranches.append(.init(condition: condition, value: try coerce(value, to: type)))
        }
        let typedFallback = try fallback.map { (node) throws(SluiceError) in try coerce(node, to: type) }
        let nullable = typedFallback.map(\.nullable) ?? true || typedBranches.contains { $0.value.nullable }
        return TypedExpression(.caseWhen(typedBranches, otherwise: typedFallback), type: type, nullable: nullable, span: span)
    }

    func explicitCast(_ operand: TypedExpression, to type: DataType, span: Range<Int>) throws(SluiceError) -> TypedExpression {
        if operand.isUntypedNull { return retyped(operand, type) }
        guard CastKernels.supports(from: operand.type, to: type) else {
            throw source.error(.expressionType, "cannot cast \(operand.type) to \(type)", at: span)
        }
        return try folded(TypedExpression(.cast(operand, implicit: false), type: type, nullable: operand.nullable, span: span))
    }
}
