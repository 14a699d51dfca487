"""The demo dataset, built only from the seed article (../shared/seed/article-vi.txt).

Quotes are verbatim from the Vietnamese article; English translations are ours. No URL or date
is invented: the article gives none for itself or for the reports it cites, so they stay empty.
"""

from typing import Any

ARTICLE_TITLE = (
    "Nổi tiếng sao chép giỏi nhưng Trung Quốc đành chịu thua Mỹ ở 1 lĩnh vực quan trọng, "
    "hiện vẫn phải phụ thuộc rất nhiều"
)

OUTLETS = ["Nhịp sống Thị trường", "The New York Times", "South China Morning Post"]

SOURCES: dict[str, dict[str, Any]] = {
    "article": dict(title=ARTICLE_TITLE, outlet="Nhịp sống Thị trường", language="vi"),
    "nyt": dict(
        title="The New York Times report on China's AI industry and its reliance on LLaMA "
        "(cited by the seed article)",
        outlet="The New York Times",
        language="en",
    ),
    "scmp": dict(
        title="South China Morning Post interview with SenseTime's Xu Li "
        "(cited by the seed article)",
        outlet="South China Morning Post",
        language="en",
        kind="interview",
    ),
}

SPEAKERS = {
    "kai-fu-lee": dict(name="Kai-Fu Lee", role="Investor and technologist; founder of 01.AI"),
    "chris-nicholson": dict(name="Chris Nicholson", role="Investor, Page One Ventures"),
    "jenny-xiao": dict(name="Jenny Xiao", role="Partner, Leonis Capital"),
    "oren-etzioni": dict(name="Oren Etzioni", role="AI professor, University of Washington"),
    "kevin-xu": dict(name="Kevin Xu", role="Founder, Interconnected Capital"),
    "yiran-chen": dict(
        name="Yiran Chen", role="John Cocke Professor of Electrical and Computer Engineering"
    ),
    "robin-li": dict(name="Robin Li", role="Chief executive, Baidu"),
    "wang-changhu": dict(
        name="Wang Changhu", role="Founder of AIsphere; former head of ByteDance's AI lab"
    ),
    "xu-li": dict(name="Xu Li", role="Chief executive and co-founder, SenseTime"),
    "alain-le-couedic": dict(
        name="Alain Le Couedic", role="Senior partner, Artificial Intelligence Quartermaster (AIQ)"
    ),
    "01-ai": dict(name="01.AI", kind="organisation", role="Chinese AI start-up"),
    "baidu": dict(name="Baidu", kind="organisation", role="Chinese technology company"),
    "nhip-song-thi-truong": dict(
        name="Nhịp sống Thị trường", kind="organisation", role="Publisher of the seed article"
    ),
}

TOPICS = {
    "ai-race": ("AI race", "Cuộc đua AI"),
    "open-source": ("Open-source models", "Mô hình nguồn mở"),
    "investment": ("Investment", "Đầu tư"),
    "chips": ("Chips", "Chip bán dẫn"),
    "regulation": ("Regulation", "Quản lý nhà nước"),
    "pricing": ("AI pricing", "Giá dịch vụ AI"),
}

EXAMPLE = "Example verdict (demo data, not a real fact-check): "

# Each claim: key, text (vi), translation (en), topics, appearances, workflow state, review.
# A review's evidence quotes the seed article itself, the only source we have.
CLAIMS: list[dict[str, Any]] = [
    dict(
        key="lag-2-3-years",
        text="Trung Quốc chậm hơn Mỹ từ 2-3 năm trong việc phát triển AI.",
        translation="China is 2 to 3 years behind the United States in developing AI.",
        topics=["ai-race"],
        appearances=[
            (
                "jenny-xiao",
                "article",
                "Bà cũng ước tính Trung Quốc chậm hơn Mỹ từ 2-3 năm trong việc phát triển AI.",
                "She also estimated that China is 2-3 years behind the US in developing AI.",
            ),
        ],
        state="published",
        review=dict(
            rating="unverifiable",
            summary="An estimate, not a measurement: the article itself reports other experts "
            "putting the gap at “at least 1 year”.",
            evidence=[
                (
                    "article",
                    "context",
                    "Trung Quốc hiện đang tụt hậu so với Mỹ trong lĩnh vực AI ít nhất 1 năm.",
                )
            ],
        ),
    ),
    dict(
        key="over-200-llms",
        text="Trung Quốc có hơn 200 mô hình ngôn ngữ lớn (LLM).",
        translation="China has more than 200 large language models (LLMs).",
        topics=["ai-race", "pricing"],
        appearances=[
            (
                "nhip-song-thi-truong",
                "article",
                "Với hơn 200 mô hình ngôn ngữ lớn (LLM), Trung Quốc vẫn tự tin rằng giá cả chính "
                "là lợi thế mà Mỹ không thể chối cãi.",
                "With more than 200 large language models (LLMs), China remains confident that "
                "price is an advantage the US cannot deny.",
            ),
        ],
        state="published",
        review=dict(
            rating="mostly-true",
            summary="Consistent with Robin Li's remark about “hundreds” of foundation models; "
            "the exact count depends on what is counted.",
            evidence=[
                (
                    "article",
                    "supports",
                    "Robin Li, giám đốc điều hành của Baidu, đã mô tả việc có hàng trăm mô "
                    "hình AI cơ bản là một sự lãng phí.",
                )
            ],
        ),
    ),
    dict(
        key="yi-34b-outperforms",
        text="Yi-34B vượt trội hơn các mô hình mã nguồn mở hàng đầu trên thị trường.",
        translation="Yi-34B outperforms the leading open-source models on the market.",
        topics=["open-source"],
        appearances=[
            (
                "01-ai",
                "article",
                "Các số liệu cho thấy Yi-34B vượt trội hơn các mô hình mã nguồn mở hàng đầu trên "
                "thị trường.",
                "Figures show Yi-34B outperforms the leading open-source models on the market.",
            ),
        ],
        state="published",
        review=dict(
            rating="half-true",
            summary="It topped an open-source leaderboard a year after ChatGPT's launch, but "
            "parts of it came from Meta's LLaMA and rankings change quickly.",
            evidence=[
                (
                    "article",
                    "supports",
                    "một công ty khởi nghiệp tương đối mới của Trung Quốc chễm chệ dành vị trí dẫn "
                    "đầu bảng xếp hạng đánh giá hệ thống trí tuệ nhân tạo nguồn mở: 01.AI.",
                ),
                (
                    "article",
                    "context",
                    "một số công nghệ trong hệ thống của 01.AI lại đến từ chính LLaMA.",
                ),
            ],
        ),
    ),
    dict(
        key="trained-from-scratch",
        text="01.AI đã đào tạo mô hình AI từ đầu, sử dụng dữ liệu và thuật toán riêng.",
        translation="01.AI trained its AI model from scratch, using its own data and algorithms.",
        topics=["open-source"],
        appearances=[
            (
                "kai-fu-lee",
                "article",
                "01.AI đã đào tạo mô hình AI từ đầu, sử dụng dữ liệu và thuật toán riêng. Đó là "
                "“những yếu tố chính quyết định hiệu suất của mô hình”.",
                "01.AI trained the AI model from scratch, using its own data and algorithms. These "
                "are “the main factors that determine the model's performance”.",
            ),
        ],
        state="published",
        review=dict(
            rating="misleading",
            summary="The same statement says the model was built on LLaMA “like most other AI "
            "companies”: trained on its own data, but not from an architecture of its own.",
            evidence=[
                (
                    "article",
                    "refutes",
                    "mô hình AI của mình được xây dựng trên LLaMA “giống như hầu hết các công "
                    "ty AI khác”",
                )
            ],
        ),
        corrected=dict(
            rating="mostly-false",
            note="Example correction (demo data): after re-review the verdict was changed from "
            "Misleading to Mostly false, because the statement itself concedes the model was "
            "built on LLaMA.",
        ),
    ),
    dict(
        key="built-on-llama",
        text="Mô hình AI của 01.AI được xây dựng trên LLaMA, giống như hầu hết các công ty AI "
        "khác.",
        translation="01.AI's model is built on LLaMA, like those of most other AI companies.",
        topics=["open-source"],
        appearances=[
            (
                "kai-fu-lee",
                "article",
                "ông Lee, người sáng lập 01.AI, cho biết mô hình AI của mình được xây dựng trên "
                "LLaMA “giống như hầu hết các công ty AI khác”",
                "Mr Lee, the founder of 01.AI, said his AI model was built on LLaMA “like most "
                "other AI companies”",
            ),
        ],
        state="published",
        review=dict(
            rating="mostly-true",
            summary="01.AI's reliance on LLaMA is documented in the article; “most other AI "
            "companies” is a generalisation.",
            evidence=[
                (
                    "article",
                    "supports",
                    "một số công nghệ trong hệ thống của 01.AI lại đến từ chính LLaMA.",
                )
            ],
        ),
        reopen="Example re-review (demo data): checking whether “most other AI companies” holds.",
    ),
    dict(
        key="chips-stockpiled",
        text="Baidu và 01.AI đã dự trữ đủ chip để duy trì hoạt động trong tương lai gần.",
        translation="Baidu and 01.AI have stockpiled enough chips to keep operating in the near "
        "future.",
        topics=["chips"],
        appearances=[
            (
                "baidu",
                "article",
                "Cả Baidu và 01.AI đều cho biết họ đã dự trữ đủ chip để duy trì hoạt động trong "
                "tương lai gần.",
                "Both Baidu and 01.AI said they had stockpiled enough chips to keep operating in "
                "the near future.",
            ),
            (
                "01-ai",
                "article",
                "Cả Baidu và 01.AI đều cho biết họ đã dự trữ đủ chip để duy trì hoạt động trong "
                "tương lai gần.",
                "Both Baidu and 01.AI said they had stockpiled enough chips to keep operating in "
                "the near future.",
            ),
        ],
        state="in_review",
        review=dict(
            rating="unverifiable",
            summary="Company statements about their own inventories that no public data confirms.",
            evidence=[
                (
                    "article",
                    "context",
                    "Những hạn chế của Mỹ đặt ra nhiều thách thức bởi cần nhiều chip khi đào "
                    "tạo mô hình AI tổng quát.",
                )
            ],
        ),
    ),
    dict(
        key="vision-50-percent",
        text="Khoảng 50% khoản đầu tư vào AI ở Trung Quốc đã đổ vào công nghệ thị giác máy tính.",
        translation="About 50% of AI investment in China has gone into computer vision.",
        topics=["investment"],
        appearances=[
            (
                "yiran-chen",
                "article",
                "Khoảng 50% khoản đầu tư vào AI đã đổ vào công nghệ thị giác máy tính, vốn cần "
                "thiết cho hoạt động giám sát, thay vì xây dựng các mô hình nền tảng cho AI tổng "
                "hợp.",
                "About 50% of AI investment has gone into computer vision, which is needed for "
                "surveillance, rather than into foundation models for generative AI.",
            ),
        ],
        state="in_review",
        review=dict(
            rating="half-true",
            summary="The share depends on the period and the dataset; no figure is given in the "
            "article.",
            evidence=[],
        ),
    ),
    dict(
        key="price-cuts",
        text="ByteDance, Baidu, Alibaba và Tencent đều đã đồng loạt giảm giá mạnh các dịch vụ LLM.",
        translation="ByteDance, Baidu, Alibaba and Tencent have all sharply cut the prices of "
        "their LLM services.",
        topics=["pricing"],
        appearances=[
            (
                "nhip-song-thi-truong",
                "article",
                "ByteDance, Baidu, Alibaba và Tencent đều đã đồng loạt giảm giá mạnh các dịch vụ "
                "LLM, trong đó một số cung cấp cả những loại dịch vụ miễn phí.",
                "ByteDance, Baidu, Alibaba and Tencent have all sharply cut the prices of their "
                "LLM services, some even offering free tiers.",
            ),
        ],
        state="in_review",
        review=dict(
            rating="true",
            summary="Xu Li of SenseTime describes the same price cuts to the South China "
            "Morning Post.",
            evidence=[("scmp", "supports", "")],
        ),
    ),
    dict(
        key="valued-1-billion",
        text="01.AI được định giá 1 tỷ USD khi mới 8 tháng tuổi.",
        translation="01.AI was valued at 1 billion US dollars when it was only 8 months old.",
        topics=["investment"],
        appearances=[
            (
                "nhip-song-thi-truong",
                "article",
                "Khi đó, dù mới chỉ 8 tháng tuổi, startup này đã được định giá 1 tỷ USD dưới sự "
                "dẫn dắt của nhà đầu tư kiêm chuyên gia công nghệ nổi tiếng Kai-Fu Lee.",
                "At the time, though only 8 months old, the start-up was already valued at 1 "
                "billion US dollars under investor and technologist Kai-Fu Lee.",
            ),
        ],
        state="researching",
    ),
    dict(
        key="aisphere-from-scratch",
        text="AIsphere xây dựng các mô hình tạo video của mình từ đầu và là người tiên phong "
        "thực sự trong lĩnh vực tạo video.",
        translation="AIsphere built its video-generation models from scratch and is a true "
        "pioneer in video generation.",
        topics=["ai-race"],
        appearances=[
            (
                "wang-changhu",
                "article",
                "“Chúng tôi đã tiến lên phía trước, xây dựng các mô hình của mình từ đầu. Điều này "
                "mang lại cho chúng tôi một lợi thế đáng kể với tư cách người tiên phong thực sự "
                "trong lĩnh vực tạo video”",
                "“We have moved ahead, building our models from scratch. This gives us a "
                "significant advantage as a true pioneer in video generation”",
            ),
        ],
        state="researching",
    ),
    dict(
        key="fine-tuned-western",
        text="Các mô hình AI Trung Quốc được xây dựng từ đầu đều không tốt lắm; nhiều công ty "
        "phải dùng các phiên bản tinh chỉnh từ phương Tây.",
        translation="Chinese AI models built from scratch are “not very good”; many companies "
        "have to use fine-tuned versions of Western models.",
        topics=["open-source", "ai-race"],
        appearances=[
            (
                "jenny-xiao",
                "article",
                "các mô hình AI Trung Quốc được xây dựng từ đầu đều “không tốt lắm”. Nhiều công ty "
                "phải sử dụng “các phiên bản tinh chỉnh” từ phương Tây.",
                "Chinese AI models built from scratch are all “not very good”. Many companies have "
                "to use “fine-tuned versions” from the West.",
            ),
        ],
        state="researching",
    ),
    dict(
        key="llama-gold-standard",
        text="LLaMA đã trở thành tiêu chuẩn vàng cho cộng đồng mã nguồn mở.",
        translation="LLaMA has become the gold standard for the open-source community.",
        topics=["open-source"],
        appearances=[
            (
                "kai-fu-lee",
                "article",
                "“LLaMA đã trở thành tiêu chuẩn vàng cho cộng đồng mã nguồn mở. Chúng tôi mong "
                "muốn có một giải pháp thay thế ưu việt hơn, không chỉ với Trung Quốc mà còn cho "
                "toàn thế giới”",
                "“LLaMA has become the gold standard for the open-source community. We want a "
                "better alternative, not only for China but for the whole world”",
            ),
        ],
        state="new",
    ),
    dict(
        key="hundreds-models-waste",
        text="Việc có hàng trăm mô hình AI cơ bản ở Trung Quốc là một sự lãng phí tài nguyên "
        "tính toán.",
        translation="Having hundreds of foundation AI models in China is a waste of computing "
        "resources.",
        topics=["ai-race", "chips"],
        appearances=[
            (
                "robin-li",
                "article",
                "“Nên phân bổ nhiều tài nguyên hợp lý cho các ứng dụng khác nhau, đặc biệt là xem "
                "xét hạn chế về khả năng tính toán”",
                "“More resources should be allocated sensibly to different applications, "
                "especially given the limits on computing capacity”",
            ),
        ],
        state="new",
    ),
    dict(
        key="chatgpt-must-respond",
        text="Các công ty Trung Quốc chịu áp lực rất lớn phải theo kịp Mỹ; ChatGPT là sản phẩm "
        "mà Trung Quốc cảm thấy phải đáp trả.",
        translation="Chinese companies are under great pressure to keep up with the US; ChatGPT "
        "is a product China feels it must answer.",
        topics=["ai-race"],
        appearances=[
            (
                "chris-nicholson",
                "article",
                "“Các công ty Trung Quốc đang chịu áp lực rất lớn trong việc theo kịp những "
                "đổi mới của Mỹ. ChatGPT là một sản phẩm mà Trung Quốc cảm thấy mình phải "
                "đáp trả”.",
                "“Chinese companies are under enormous pressure to keep up with American "
                "innovation. ChatGPT is a product China feels it has to respond to”.",
            ),
        ],
        state="new",
    ),
    dict(
        key="regulation-hard",
        text="Đổi mới AI tạo sinh trong cơ chế quản lý hiện tại của Trung Quốc vừa khó khăn vừa "
        "rủi ro.",
        translation="Generative AI innovation under China's current regulatory regime is both "
        "difficult and risky.",
        topics=["regulation"],
        appearances=[
            (
                "kevin-xu",
                "article",
                "“Việc đổi mới AI sáng tạo trong cơ chế quản lý hiện tại vừa khó khăn vừa rủi ro”.",
                "“Innovating in generative AI under the current regulatory regime is both "
                "difficult and risky”.",
            ),
        ],
        state="new",
    ),
    dict(
        key="security-questions",
        text="Việc các công ty Trung Quốc tận dụng công nghệ nguồn mở của Mỹ đặt ra nhiều câu "
        "hỏi về an ninh quốc gia và địa chính trị.",
        translation="Chinese companies using American open-source technology raises many "
        "questions of national security and geopolitics.",
        topics=["open-source"],
        appearances=[
            (
                "oren-etzioni",
                "article",
                "“Khi các công ty Trung Quốc tận dụng các công nghệ nguồn mở của Mỹ, rất nhiều câu "
                "hỏi được đặt ra, liên quan đến an ninh quốc gia và địa chính trị”.",
                "“When Chinese companies take advantage of American open-source technology, many "
                "questions arise about national security and geopolitics”.",
            ),
        ],
        state="rejected",
        reject="Example rejection (demo data): an opinion, not a checkable statement of fact.",
    ),
    dict(
        key="price-war-opportunity",
        text="Cuộc đua giá cho thấy nhiều người chơi nhìn ra cơ hội hấp dẫn trong tương lai.",
        translation="The price war shows many players see attractive opportunities ahead.",
        topics=["pricing"],
        appearances=[
            (
                "alain-le-couedic",
                "article",
                "“Cuộc đua giành quyền thống trị trên thị trường là dấu hiệu cho thấy nhiều người "
                "chơi đang nhìn ra được những cơ hội hấp dẫn trong tương lai, ngay cả khi chúng có "
                "thể gây ra khó khăn nhất định trong ngắn hạn và trung hạn”.",
                "“The race for market dominance is a sign that many players see attractive "
                "opportunities ahead, even if they may cause some difficulty in the short and "
                "medium term”.",
            ),
        ],
        state="rejected",
        reject="Example rejection (demo data): a forecast about motives, not checkable.",
    ),
    dict(
        key="price-cuts-marketing",
        text="Việc giảm giá dịch vụ AI của Trung Quốc chủ yếu nhằm thu hút nhiều khách hàng "
        "hơn, như một cách xây dựng thương hiệu.",
        translation="Chinese AI price cuts mainly aim to attract more customers, as a way of "
        "building brands.",
        topics=["pricing"],
        appearances=[
            (
                "xu-li",
                "article",
                "“Việc giảm giá dịch vụ AI của Trung Quốc chủ yếu nhằm mục đích thu hút nhiều "
                "khách hàng hơn. Nó giống như một cách xây dựng thương hiệu”.",
                "“The price cuts of China's AI services mainly aim to attract more customers. It "
                "is like a way of building a brand”.",
            ),
        ],
        state="new",
    ),
]

# One fact-check by another (invented) organisation, on an example domain, as ClaimReview: the
# demo imports it and an editor confirms its link to our claim, so "Other fact-checkers" shows.
EXTERNAL_REVIEW_OF = "over-200-llms"
EXTERNAL_REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example.org/demo/china-200-llms",
    "claimReviewed": "China has more than 200 large language models (LLMs).",
    "datePublished": "2024-11-02",
    "inLanguage": "en",
    "author": {
        "@type": "Organization",
        "name": "Example Fact Desk (demo data)",
        "url": "https://factcheck.example.org/",
    },
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Mostly true",
    },
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Organization", "name": "Example"}},
}

# A verdict about a moving figure, shown as due for a re-check.
RECHECK_DUE = "lag-2-3-years"

ACCOUNTS = [
    # username, group, first name
    ("editor", "Editor", "Erin"),
    ("editor2", "Editor", "Eddie"),
    ("checker", "Fact-checker", "Fred"),
    ("reporter", "Reporter", "Rita"),
]
