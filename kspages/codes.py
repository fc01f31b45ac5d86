"""The codes records use, with their default Chinese labels (no imports: the command line needs them at start)."""

from __future__ import annotations

# Codes are a contract with staff files; their Chinese labels are defaults that site.yaml may override.
CODES: dict[str, dict[str, str]] = {
    "category": {"false_advertising": "虚假宣传", "price_mismatch": "价格不符", "product_quality": "产品质量",
                 "after_sales": "售后服务", "other": "其他"},
    # shop_backoffice keeps its old code; the label says what a buyer does (buyers never see a shop's back office).
    "channel": {"in_app_report": "在线举报", "shop_backoffice": "向商家申请售后", "customer_service": "平台客服",
                "other": "其他"},
    "status": {"pending": "待处理", "in_progress": "处理中", "resolved": "已处理", "rejected": "未通过",
               "withdrawn": "已撤回"},
    "outcome": {"refund": "退款", "replacement": "换货", "compensation": "赔偿", "merchant_penalised": "商家受到处罚",
                "listing_removed": "商品已下架", "explanation": "商家作出说明", "other": "其他"},
    "reason": {"insufficient_evidence": "缺乏证据支持", "not_a_violation": "不构成违规",
               "third_party_platform": "涉及第三方平台", "duplicate": "重复投诉", "out_of_scope": "不属于受理范围",
               "other": "其他"},
    # The complainant's view of the result (feedback.rating), in the words of the question staff ask.
    "rating": {"satisfied": "满意", "partly": "基本满意", "unsatisfied": "不满意"},
}
